package io.litemodel.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks that every measured figure in a Markdown page is quoted from a file the same passage cites.
 *
 * <p>A page is cut into passages: a table row, a list item, a quoted line group or a paragraph (code blocks are
 * skipped). A table row may also rely on its table's caption, the passage just above the table, so that a table
 * copied from one file cites it once rather than on every row. A figure is a number with a unit of measure (a ratio such as {@code 0.994x}, a time, a size, a rate or a
 * percentage) or a number in e-notation, and both ends of a range of them; counts and versions are not figures. Every passage that holds a figure must
 * cite a source, either a committed file under {@code benchmarks/results/}, a test class by name or a test source by
 * path (a constant a test asserts, such as a tolerance, lives in a helper under {@code src/test/}), and each figure
 * must appear in one of the sources it cites, with or without thousands separators.
 *
 * <p>Written here rather than taken from a library because no Markdown linter checks numbers against other files.
 */
final class FigureSources {

  /** One figure that is not backed by its passage's sources. */
  record Problem(int line, String figure, String why) {
    @Override
    public String toString() {
      return "line " + line + ": " + figure + ": " + why;
    }
  }

  private static final String NUMBER = "(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?";
  private static final String UNIT = "(x|%|ms|µs|us|ns|s|min|GB|MB|KB|GiB|MiB|B|images/s)";
  private static final String END = "(?![\\w/]|\\.\\d)";
  private static final Pattern FIGURE = Pattern.compile(
      "(?<![\\w.,/–-])(" + NUMBER + ")(?:(e-?\\d{1,3})|\\s?" + UNIT + ")" + END);
  /** A range such as {@code 0.64-1.00x} or {@code 77–98 us}: both ends are figures, in the unit written once. */
  private static final Pattern RANGE = Pattern.compile(
      "(?<![\\w.,/–-])(" + NUMBER + ")[-–](" + NUMBER + ")(\\s?" + UNIT + ")" + END);
  private static final Pattern RESULTS_FILE = Pattern.compile("(?:benchmarks/results|src/test)/[\\w./-]+\\w");
  private static final Pattern TEST_CLASS = Pattern.compile("\\b[A-Z]\\w*Test\\b");

  private final Path root;

  FigureSources(Path root) {
    this.root = root;
  }

  /** The figures of {@code page} (relative to the repository root) that their passage's sources do not back. */
  List<Problem> check(Path page) {
    List<Problem> problems = new ArrayList<>();
    String caption = "";
    Passage previous = null;
    for (Passage passage : passages(read(root.resolve(page)))) {
      boolean row = isRow(passage);
      if (row && (previous == null || !isRow(previous))) {
        caption = previous == null ? "" : previous.text();
      }
      previous = passage;
      List<String> figures = figures(passage.text());
      if (figures.isEmpty()) {
        continue;
      }
      Set<Path> sources = sources(row ? passage.text() + "\n" + caption : passage.text());
      if (sources.isEmpty()) {
        problems.add(new Problem(passage.line(), figures.get(0),
            "the passage quotes figures (" + String.join(", ", figures) + ") but cites no results file or test"));
        continue;
      }
      List<String> texts = new ArrayList<>();
      for (Path source : sources) {
        if (Files.isDirectory(source)) {
          continue; // a folder (of committed inputs, say) is a fine pointer for a reader but holds no figure
        }
        if (!Files.isRegularFile(source)) {
          problems.add(new Problem(passage.line(), root.relativize(source).toString(), "cited, but not in the repository"));
        } else {
          texts.add(withoutThousandsSeparators(read(source)));
        }
      }
      for (String figure : figures) {
        if (texts.stream().noneMatch(text -> appears(figure, text))) {
          problems.add(new Problem(passage.line(), figure, "in none of " + names(sources)));
        }
      }
    }
    return problems;
  }

  /** The figures in one passage, as written. */
  static List<String> figures(String text) {
    String prose = withoutCode(text);
    TreeMap<Integer, List<String>> byPosition = new TreeMap<>();
    Matcher m = FIGURE.matcher(prose);
    while (m.find()) {
      byPosition.put(m.start(), List.of(m.group().trim()));
    }
    Matcher range = RANGE.matcher(prose);
    while (range.find()) {
      byPosition.put(range.start(), List.of(range.group(1) + range.group(3), range.group(2) + range.group(3)));
    }
    List<String> figures = new ArrayList<>();
    byPosition.values().forEach(figures::addAll);
    return figures;
  }

  /** Whether {@code figure}'s number (and exponent) stands in {@code text} as a number of its own. */
  static boolean appears(String figure, String text) {
    Matcher m = FIGURE.matcher(figure);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a figure: " + figure);
    }
    String number = m.group(1).replace(",", "") + (m.group(2) == null ? "" : m.group(2));
    return Pattern.compile("(?<![\\d.])" + Pattern.quote(number) + "(?![\\d]|\\.\\d|e-?\\d)").matcher(text).find();
  }

  private Set<Path> sources(String text) {
    Set<Path> sources = new LinkedHashSet<>();
    Matcher file = RESULTS_FILE.matcher(text);
    while (file.find()) {
      sources.add(root.resolve(file.group()));
    }
    Matcher test = TEST_CLASS.matcher(text);
    while (test.find()) {
      sources.add(testSource(test.group()));
    }
    return sources;
  }

  private Path testSource(String className) {
    Path tests = root.resolve("src/test/java");
    try (Stream<Path> files = Files.walk(tests)) {
      return files.filter(f -> f.getFileName().toString().equals(className + ".java")).findFirst()
          .orElse(tests.resolve(className + ".java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String names(Set<Path> sources) {
    return sources.stream().map(s -> root.relativize(s).toString()).toList().toString();
  }

  private record Passage(int line, String text) {}

  private static boolean isRow(Passage passage) {
    return passage.text().strip().startsWith("|");
  }

  /** Cuts a page into passages; fenced code is left out, and inline code is kept (paths live there). */
  static List<Passage> passages(String page) {
    List<Passage> passages = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int start = 0;
    boolean fenced = false;
    String[] lines = page.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.strip();
      if (trimmed.startsWith("```")) {
        fenced = !fenced;
        flush(passages, current, start);
        continue;
      }
      if (fenced) {
        continue;
      }
      boolean opensItem = trimmed.startsWith("|") || trimmed.startsWith("- ") || trimmed.startsWith("#")
          || trimmed.matches("\\d+\\. .*") || trimmed.matches(">\\s*- .*");
      if (trimmed.isEmpty() || opensItem) {
        flush(passages, current, start);
      }
      if (!trimmed.isEmpty()) {
        if (current.isEmpty()) {
          start = i + 1;
        }
        current.append(line).append('\n');
        if (trimmed.startsWith("|") || trimmed.startsWith("#")) {
          flush(passages, current, start);
        }
      }
    }
    flush(passages, current, start);
    return passages;
  }

  private static void flush(List<Passage> passages, StringBuilder current, int start) {
    if (!current.isEmpty()) {
      passages.add(new Passage(start, current.toString()));
      current.setLength(0);
    }
  }

  /** Inline code holds commands and names (`-Xmx1g`, `--calls 1000000`), not figures. */
  private static String withoutCode(String text) {
    return text.replaceAll("`[^`]*`", " ");
  }

  private static String withoutThousandsSeparators(String text) {
    return text.replaceAll("(?<=\\d),(?=\\d{3}(?!\\d))", "");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
