import java.io.File;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * Compiles module-info.java into the already compiled classes (javac's --patch-module), with a module path of just
 * the modules it requires, resolved from the class path's jars that have a module name. Why not the compiler plugin: it compiles a module's sources on a module
 * path of every dependency, and Spark's jars (spark-sql_2.13-...) have neither a module descriptor nor a name one can
 * be derived from, so the library with its Spark package cannot be compiled as a module in one go.
 *
 * <p>Usage: {@code java ModuleDescriptor.java <classes dir> <module-info.java> <class path>}
 */
public final class ModuleDescriptor {
  private ModuleDescriptor() {}

  /** A {@code requires} line of the descriptor, the module it names in group 1. */
  private static final Pattern REQUIRES = Pattern.compile("^\\s*requires\\s+(?:static\\s+)?([\\w.]+)\\s*;",
      Pattern.MULTILINE);

  /** A resolution failure's message, the missing module in group 1. */
  private static final Pattern MISSING = Pattern.compile("Module (\\S+) not found");

  public static void main(String[] args) throws IOException {
    Path classes = Path.of(args[0]);
    Path descriptor = Path.of(args[1]);
    Map<String, Path> named = new LinkedHashMap<>();
    Map<String, Path> explicit = new LinkedHashMap<>();
    for (String entry : args[2].split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(path)) {
        continue;
      }
      try {
        ModuleFinder.of(path).findAll().forEach(module -> {
          named.putIfAbsent(module.descriptor().name(), path);
          if (!module.descriptor().isAutomatic()) {
            explicit.putIfAbsent(module.descriptor().name(), path);
          }
        });
      } catch (FindException unnamed) {
        // no module name (Spark, Scala): not needed by the descriptor, which names none of them
      }
    }
    List<String> roots = new ArrayList<>();
    Map<String, Path> candidates = new LinkedHashMap<>(explicit);
    Matcher requires = REQUIRES.matcher(Files.readString(descriptor));
    while (requires.find()) {
      if (named.containsKey(requires.group(1))) {
        roots.add(requires.group(1));
        candidates.put(requires.group(1), named.get(requires.group(1)));
      }
    }
    // Only what the descriptor's modules need, and no automatic module nobody requires: one automatic module brings in
    // all the others, and Spark's split packages between jars, which a module path refuses.
    Configuration resolved = null;
    while (resolved == null) {
      try {
        resolved = Configuration.resolve(ModuleFinder.of(candidates.values().toArray(Path[]::new)),
            List.of(ModuleLayer.boot().configuration()), ModuleFinder.of(), roots);
      } catch (FindException missing) {
        Matcher name = MISSING.matcher(String.valueOf(missing.getMessage()));
        if (!name.find() || !named.containsKey(name.group(1)) || candidates.containsKey(name.group(1))) {
          throw missing;
        }
        candidates.put(name.group(1), named.get(name.group(1))); // an automatic module an explicit one requires
      }
    }
    List<String> modulePath = new ArrayList<>();
    for (ResolvedModule module : resolved.modules()) {
      module.reference().location().ifPresent(uri -> modulePath.add(Path.of(uri).toString()));
    }
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    int status = javac.run(System.out, System.err, "--release", "17", "-d", classes.toString(),
        "--module-path", String.join(File.pathSeparator, modulePath),
        "--patch-module", "io.litemodel=" + classes, descriptor.toString());
    if (status != 0) {
      System.exit(status);
    }
  }
}
