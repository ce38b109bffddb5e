package io.litemodel.cli;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.TensorSpec;
import io.litemodel.batch.BatchPredictor;
import io.litemodel.batch.ErrorPolicy;
import io.litemodel.batch.ItemFailedException;
import io.litemodel.batch.PipelineDefaults;
import io.litemodel.batch.PipelineStats;
import io.litemodel.batch.RunSummary;
import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.Normalization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code predict}: runs a model over a folder of images, a {@code .npy} array or a {@code .csv} file through the batch
 * pipeline, writing one output row per item, with a progress bar and a summary.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Predict every item of a folder of images (.jpg, .jpeg, .png), a .npy array or a .csv file.",
        "Output rows follow input order (images sorted by file name). In .npy output a skipped item is a NaN row; "
            + "in .csv output the 'item' column names each row.",
        "The output is written to a partial file beside it (.NAME.partial-PID, readable at every moment) and moved "
            + "into place when the run ends. A run that ends early puts the rows done there too, unless an older "
            + "output exists: that is kept, and the rows go to NAME.unfinished-PID.EXT. Partial files left by runs "
            + "that were killed are repaired and moved to NAME.unfinished-PID.EXT by the next run, which says so."})
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--input", required = true, description = "A directory of images, or a .npy or .csv file.")
  Path input;

  @Option(names = "--output", required = true, description = "The .npy or .csv file to write.")
  Path output;

  // The pipeline's defaults come from PipelineDefaults (the head-to-head's best configuration for this machine);
  // picocli shows the fields' initial values as ${DEFAULT-VALUE}.
  @Option(names = "--batch", description = "Rows per model invocation (default: ${DEFAULT-VALUE}).")
  int batch = PipelineDefaults.batchSize();

  @Option(names = "--workers",
      description = "Preprocessing threads besides the inference threads, which preprocess too (default: "
          + "${DEFAULT-VALUE}).")
  int workers = PipelineDefaults.workers(PipelineDefaults.replicas(), true);

  @Option(names = "--replicas",
      description = "Model replicas, one inference thread each (default: ${DEFAULT-VALUE}, one per core).")
  int replicas = PipelineDefaults.replicas();

  @Option(names = "--on-error", defaultValue = "fail",
      description = "A bad item (unreadable image, wrong row length): 'fail' stops the run, 'skip' reports it and "
          + "goes on (default: ${DEFAULT-VALUE}).")
  String onError;

  @Option(names = "--normalize",
      description = "Image pixel scaling: unit [0,1], symmetric [-1,1], raw [0,255], imagenet, or "
          + "meanstd:R,G,B:R,G,B (on [0,1] values) (default: what the model's sidecar MODEL.json records, else "
          + PreprocessingChoice.DEFAULT + "; the output says which and why).")
  String normalize;

  @Option(names = "--decoder", defaultValue = "auto",
      description = "Image decoder: opencv (OpenCV imdecode, needs org.bytedeco:opencv-platform on the classpath), "
          + "imageio (the JDK's), or auto: opencv when present, else imageio (default: ${DEFAULT-VALUE}).")
  String decoder;

  @Option(names = "--decode-scale", defaultValue = "exact",
      description = "JPEG decoding size with the opencv decoder: exact (full size, then resize: what tf.image.resize "
          + "of the full image sees) or auto (decode at the smallest 1/2, 1/4 or 1/8 still at least the model's "
          + "input, in the DCT domain: faster, slightly smoother inputs) (default: ${DEFAULT-VALUE}).")
  String decodeScale;

  @Option(names = "--no-progress",
      description = "No progress output (by default a bar on a terminal, else a plain line every 10 s).")
  boolean noProgress;

  private ErrorPolicy policy;
  private DecoderKind decoderKind;
  private DecodeScale scale;

  @Override
  public Integer call() throws IOException {
    validate();
    LiteModel.Options options = modelOptions.toOptions();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Normalization normalization = Normalization.unit(); // unused unless the input is a folder of images
    if (Files.isDirectory(input)) {
      PreprocessingChoice choice = PreprocessingChoice.resolve(normalize, modelOptions.model);
      normalization = choice.normalization();
      out.println(choice.describe());
    }
    try (InferenceModel loaded = modelOptions.open(options);
        PredictSource<?> source = PredictSource.open(input, loaded, normalization, decoderKind, scale)) {
      return run(loaded, source, policy, out, err);
    }
  }

  /**
   * Checks every option before the model is loaded, so that a usage mistake exits with status 2 (picocli's
   * {@link ParameterException}) and a clear message, not with a failure halfway through.
   */
  private void validate() throws IOException {
    CommandLine cli = spec.commandLine();
    policy = policy(cli, onError);
    if (normalize != null) {
      try {
        Normalization.parse(normalize);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cli, "--normalize: " + e.getMessage(), e, null, normalize);
      }
    }
    try {
      decoderKind = DecoderKind.parse(decoder);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cli, "--decoder: " + e.getMessage(), e, null, decoder);
    }
    try {
      scale = DecodeScale.parse(decodeScale);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cli, "--decode-scale: " + e.getMessage(), e, null, decodeScale);
    }
    if (batch < 1) {
      throw new ParameterException(cli, "--batch must be at least 1, got " + batch);
    }
    if (replicas < 1) {
      throw new ParameterException(cli, "--replicas must be at least 1, got " + replicas);
    }
    if (workers < -1) {
      throw new ParameterException(cli, "--workers must be 0 or more (or -1 for the default), got " + workers);
    }
    modelOptions.validate(cli);
    if (!Files.exists(input)) {
      throw new ParameterException(cli, "--input " + input + " does not exist");
    }
    String outName = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!outName.endsWith(".npy") && !outName.endsWith(".csv")) {
      throw new ParameterException(cli, "--output " + output + " must end in .npy or .csv");
    }
    Path folder = output.toAbsolutePath().getParent();
    if (folder != null && !Files.isDirectory(folder)) {
      throw new ParameterException(cli, "--output: folder does not exist: " + folder);
    }
    if (Files.isDirectory(output)) {
      throw new ParameterException(cli, "--output " + output + " is a folder");
    }
    // Writing over the input would destroy it while it is read (a mapped .npy even crashes the JVM with SIGBUS);
    // isSameFile also sees through other spellings, symbolic links and hard links.
    if (Files.exists(output) && Files.isSameFile(input, output)) {
      throw new ParameterException(cli, "--output " + output + " is the --input file; write the output elsewhere");
    }
  }

  private static ErrorPolicy policy(CommandLine cli, String text) {
    switch (text) {
      case "fail":
        return ErrorPolicy.FAIL_FAST;
      case "skip":
        return ErrorPolicy.SKIP;
      default:
        throw new ParameterException(cli, "--on-error must be 'fail' or 'skip', got '" + text + "'");
    }
  }

  private <T> int run(InferenceModel loaded, PredictSource<T> source, ErrorPolicy policy, PrintWriter out,
      PrintWriter err) throws IOException {
    TensorSpec outSpec = loaded.outputs().get(0);
    int[] outShape = outSpec.shape();
    int[] rowShape = Arrays.copyOfRange(outShape, 1, outShape.length); // the .npy row shape, not just its size
    BatchPredictor.Builder<T> builder = BatchPredictor.builder(loaded, source.preprocessors()).batchSize(batch)
        .replicas(replicas).errorPolicy(policy);
    if (workers >= 0) { // -1, as before: the library's default
      builder.workers(workers);
    }
    try (BatchPredictor<T> predictor = builder.build();
        PredictSink sink = PredictSink.create(output, rowShape, outSpec.rowElements())) {
      sink.notices().forEach(err::println);
      ProgressBar progress = progressBar(source.count());
      out.println("predicting " + source.count() + " items from " + input + source.reading() + " with " + predictor);
      long[] done = {0};
      RunSummary summary;
      try {
        summary = predictor.run(source.items(), (index, item, row) -> {
          sink.row(source.name(item), row);
          step(progress, ++done[0]);
        }, (index, item, error) -> {
          err.println("skipped " + source.name(item) + ": " + error.getMessage());
          try {
            sink.skipped(source.name(item));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          step(progress, ++done[0]);
        });
      } catch (ItemFailedException e) {
        closeQuietly(progress);
        @SuppressWarnings("unchecked")
        T item = (T) e.item();
        err.println("error: " + source.name(item) + ": " + e.getCause().getMessage());
        // Said only once the file is where it is said to be: finish() reports what really happened.
        out.println("stopped at " + source.name(item) + " (use --on-error skip to go on); "
            + sink.finish(false).describe("predicted before it"));
        return 1;
      } catch (RuntimeException e) {
        closeQuietly(progress);
        out.println("stopped by an error; " + sink.finish(false).describe("written before it"));
        throw e;
      }
      closeQuietly(progress); // before the summary lines, so they do not interleave with the bar
      PredictSink.Landing landing = sink.finish(true);
      out.println(summaryLine(summary));
      if (landing.place() != PredictSink.Place.OUTPUT) {
        err.println("error: could not write " + output + "; " + landing.describe("predicted"));
        return 1;
      }
      out.println("wrote " + landing.rows() + " rows to " + landing.file());
      return 0;
    }
  }

  private static String summaryLine(RunSummary summary) {
    PipelineStats stats = summary.stats();
    return String.format(Locale.ROOT,
        "predicted %d items, skipped %d, in %.2f s: %.1f items/s%nworkers %d x %.0f%% busy; inference %d x %.0f%% "
            + "in the model, %.0f%% helping preprocess, %.0f%% waiting for data; writing results %.0f%% busy",
        summary.predicted(), summary.failed(), stats.elapsedNanos() / 1e9, stats.itemsPerSecond(), stats.workers(),
        100 * stats.workerBusy(), stats.inferenceThreads(), 100 * stats.inferenceBusy(),
        100 * stats.inferenceHelping(), 100 * stats.inferenceWaiting(), 100 * stats.deliveryBusy());
  }

  private ProgressBar progressBar(long count) {
    return noProgress ? null : PredictProgress.start(count, spec.commandLine().getErr());
  }

  private static void step(ProgressBar progress, long done) {
    if (progress != null) {
      progress.stepTo(done);
    }
  }

  private static void closeQuietly(ProgressBar progress) {
    if (progress != null) {
      progress.close();
    }
  }
}
