package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The versions the code reads are pom.xml's, resolved (the one source of truth). */
class BuildVersionsTest {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)}");

  @Test
  void versionsAreThePomsProperties() throws Exception {
    Map<String, String> pom = pomProperties();
    assertEquals(pom.get("project.version"), BuildVersions.liteModel());
    assertEquals(pom.get("javacpp.version"), BuildVersions.javacpp());
    assertEquals(pom.get("tflite.version"), BuildVersions.tensorFlowLiteArtifact());
    assertEquals(pom.get("opencv.version"), BuildVersions.openCvArtifact());
    assertFalse(BuildVersions.tensorFlowLite().contains("-"), BuildVersions.tensorFlowLite());
    assertEquals(pom.get("tflite.version"), BuildVersions.tensorFlowLite() + "-" + BuildVersions.javacpp());
  }

  @Test
  void theRuntimesArtifactIsThePinnedOne() throws Exception {
    // What Maven actually resolved onto the class path (the natives' own metadata) is what the POM pins.
    assertEquals(BuildVersions.tensorFlowLiteArtifact(),
        org.bytedeco.javacpp.Loader.getVersion("org.bytedeco", "tensorflow-lite"));
  }

  /** pom.xml's top-level properties and project.version, with ${...} references resolved. */
  private static Map<String, String> pomProperties() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    Element project = pom.getDocumentElement();
    Map<String, String> raw = new HashMap<>();
    for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
      if ("version".equals(child.getNodeName())) {
        raw.put("project.version", child.getTextContent().trim());
      }
      if ("properties".equals(child.getNodeName())) {
        NodeList properties = child.getChildNodes();
        for (int i = 0; i < properties.getLength(); i++) {
          if (properties.item(i) instanceof Element property) {
            raw.put(property.getTagName(), property.getTextContent().trim());
          }
        }
      }
    }
    Map<String, String> resolved = new HashMap<>();
    raw.forEach((key, value) -> resolved.put(key, resolve(value, raw)));
    return resolved;
  }

  private static String resolve(String value, Map<String, String> properties) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = properties.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? m.group() : resolve(replacement,
          properties)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
