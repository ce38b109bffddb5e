package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code convert}: the converter's Python found or clearly missing, and a real conversion through it. */
class ConvertCommandTest {
  /** The venv's python, passed by the build (pom.xml, surefire); absent or missing in a Java-only build. */
  private static final String TEST_PYTHON = System.getProperty("litemodel.test.python", "");

  @TempDir
  Path dir;

  private final StringWriter err = new StringWriter();

  @AfterEach
  void forgetPython() {
    System.clearProperty(ConverterPython.PROPERTY);
  }

  private int convert(String... args) {
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "convert";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  @Test
  void aMissingPythonIsAClearFailure() {
    Path missing = dir.resolve("no-venv/bin/python");
    System.setProperty(ConverterPython.PROPERTY, missing.toString());
    assertEquals(ExitStatus.FAILURE, convert("--keras", "models/seed_mlp.keras", "-o", dir.resolve("m.tflite")
        .toString()));
    String message = err.toString();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("error: convert needs the converter's Python environment (tensorflow"), message);
    assertTrue(message.contains("-Dlitemodel.python names " + missing + ", which is not an executable file"), message);
    assertTrue(message.contains("LITEMODEL_PYTHON="), message);
  }

  @Test
  void aPythonWithoutTensorFlowIsAClearFailure() throws Exception {
    Path fake = dir.resolve("python");
    Files.writeString(fake, "#!/bin/sh\nexit 1\n");
    assertTrue(fake.toFile().setExecutable(true));
    System.setProperty(ConverterPython.PROPERTY, fake.toString());
    assertEquals(ExitStatus.FAILURE, convert("--help"));
    assertTrue(err.toString().contains("names " + fake + ", which cannot import tensorflow"), err.toString());
  }

  @Test
  void convertsAKerasModelWithTheVenv() throws Exception {
    assumeTrue(!TEST_PYTHON.isEmpty() && Files.isExecutable(Path.of(TEST_PYTHON)),
        "no converter venv in this build (mvn -Pfull creates it)");
    System.setProperty(ConverterPython.PROPERTY, TEST_PYTHON);
    Path out = dir.resolve("seed_mlp.tflite");
    assertEquals(ExitStatus.SUCCESS, convert("--keras", "models/seed_mlp.keras", "-o", out.toString()),
        err.toString());
    assertTrue(Files.size(out) > 1000, "converted model is " + Files.size(out) + " bytes");
    assertTrue(Files.readString(dir.resolve("seed_mlp.json")).contains("\"verification\""));
    // A converter usage error comes back unchanged: the same exit status convention on both sides.
    assertEquals(ExitStatus.USAGE, convert("--keras", "models/seed_mlp.keras", "-o", dir.resolve("m.bin").toString()));
  }
}
