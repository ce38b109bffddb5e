import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Keeps the licence and notice files of every artifact shaded into the CLI jar, each under
 * {@code META-INF/licenses/<jar name>/}. The Shade plugin keeps only the first {@code META-INF/LICENSE} (LiteModel's)
 * and drops the others (Apache PDFBox's, Jackson's, HdrHistogram's, ...); their texts must still travel with the jar.
 *
 * <p>Some artifacts ship no licence file in their jar although their licence (MIT, BSD) asks that its text travel
 * with every binary copy: their texts are committed in {@code src/main/licenses/<jar name>/} and added the same way.
 * A folder there that names no shaded jar fails the build, so a version bump cannot leave a text behind silently.
 *
 * <p>Run by the Maven build after the Shade plugin (source-file mode: {@code java ThirdPartyLicenses.java SHADED_JAR
 * CLASSPATH LICENCE_TEXTS}). An artifact counts as shaded when a file of it outside META-INF is in the shaded jar, so
 * the list follows the Shade plugin's artifact set without repeating it.
 */
public final class ThirdPartyLicenses {
  /** LICENSE, NOTICE, COPYING, with or without an extension, directly in META-INF. */
  private static final Pattern LICENCE_FILE =
      Pattern.compile("META-INF/(LICENSE|LICENCE|NOTICE|COPYING)(\\.[A-Za-z]+)?", Pattern.CASE_INSENSITIVE);

  private ThirdPartyLicenses() {}

  /**
   * Adds the licence files of the shaded artifacts to the shaded jar.
   *
   * @param args the shaded jar, the class path it was made from (path-separated), and the folder of committed
   *     licence texts for jars that carry none
   * @throws IOException when a jar cannot be read or the shaded jar cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: ThirdPartyLicenses SHADED_JAR CLASSPATH LICENCE_TEXTS");
    }
    Path committedTexts = Path.of(args[2]);
    Set<String> unused = new HashSet<>();
    try (var folders = Files.list(committedTexts)) {
      folders.filter(Files::isDirectory).forEach(folder -> unused.add(folder.getFileName().toString()));
    }
    Path shaded = Path.of(args[0]).toAbsolutePath();
    Set<String> shadedEntries = entryNames(shaded);
    List<String> kept = new ArrayList<>();
    try (FileSystem out = FileSystems.newFileSystem(URI.create("jar:" + shaded.toUri()), Map.of())) {
      for (String element : args[1].split(File.pathSeparator)) {
        Path jar = Path.of(element);
        if (element.isEmpty() || !Files.isRegularFile(jar) || jar.toAbsolutePath().equals(shaded)) {
          continue;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          List<ZipEntry> licences = new ArrayList<>();
          boolean bundled = false;
          for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            ZipEntry entry = e.nextElement();
            if (LICENCE_FILE.matcher(entry.getName()).matches()) {
              licences.add(entry);
            } else if (!bundled && !entry.isDirectory() && !entry.getName().startsWith("META-INF/")) {
              bundled = shadedEntries.contains(entry.getName());
            }
          }
          String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
          if (bundled && unused.remove(name)) {
            kept.addAll(copyCommitted(committedTexts.resolve(name), out.getPath("META-INF", "licenses", name)));
          }
          if (!bundled || licences.isEmpty()) {
            continue;
          }
          for (ZipEntry licence : licences) {
            Path target = out.getPath("META-INF", "licenses", name, licence.getName().substring("META-INF/".length()));
            Files.createDirectories(target.getParent());
            try (InputStream in = zip.getInputStream(licence)) {
              Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            kept.add(target.toString());
          }
        }
      }
    }
    if (!unused.isEmpty()) {
      throw new IllegalStateException("third-party-licenses: " + committedTexts + " holds texts for " + unused
          + ", which the shaded jar does not bundle: rename the folder after a version change, or remove it");
    }
    System.out.println("third-party-licenses: kept in " + shaded.getFileName() + ": " + String.join(", ", kept));
  }

  private static List<String> copyCommitted(Path from, Path to) throws IOException {
    List<String> copied = new ArrayList<>();
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(file.getFileName().toString());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        copied.add(target.toString());
      }
    }
    return copied;
  }

  private static Set<String> entryNames(Path jar) throws IOException {
    Set<String> names = new HashSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().forEach(entry -> names.add(entry.getName()));
    }
    return names;
  }
}
