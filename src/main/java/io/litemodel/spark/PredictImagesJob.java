package io.litemodel.spark;

import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A runnable Spark job: predicts every image under a folder with an image model and writes {@code path},
 * {@code prediction} (and {@code prediction_error}) as Parquet. See docs/spark.md for the {@code spark-submit}
 * command and for running it on a cluster.
 *
 * <pre>
 *   PredictImagesJob MODEL IMAGES OUTPUT [--batch N] [--normalize unit|symmetric|raw|MEAN/STD] [--on-error fail|null]
 *       [--decoder auto|opencv|imageio] [--decode-scale exact|auto] [--model-on-executors]
 * </pre>
 *
 * By default the driver reads MODEL and ships its bytes with the tasks; {@code --model-on-executors} makes
 * executors read MODEL themselves (a shared file system path, or a file name given to {@code spark-submit --files}).
 */
public final class PredictImagesJob {
  private PredictImagesJob() {}

  /**
   * Runs the job.
   *
   * @param args see the class comment
   * @throws IllegalArgumentException if the arguments are wrong (the message says how)
   */
  public static void main(String[] args) {
    if (args.length < 3) {
      throw new IllegalArgumentException("usage: PredictImagesJob MODEL IMAGES OUTPUT [--batch N] "
          + "[--normalize unit|symmetric|raw|MEAN/STD] [--on-error fail|null] [--decoder auto|opencv|imageio] "
          + "[--decode-scale exact|auto] [--model-on-executors]; got "
          + Arrays.toString(args));
    }
    String model = args[0];
    String images = args[1];
    String output = args[2];
    int batch = ModelTransformer.DEFAULT_BATCH;
    String normalize = "unit";
    OnError onError = OnError.FAIL;
    DecoderKind decoder = DecoderKind.AUTO;
    DecodeScale scale = DecodeScale.EXACT;
    boolean onExecutors = false;
    for (int i = 3; i < args.length; i++) {
      switch (args[i]) {
        case "--batch":
          batch = Integer.parseInt(value(args, ++i));
          break;
        case "--normalize":
          normalize = value(args, ++i);
          break;
        case "--on-error":
          onError = OnError.valueOf(value(args, ++i).toUpperCase(Locale.ROOT));
          break;
        case "--decoder":
          decoder = DecoderKind.parse(value(args, ++i));
          break;
        case "--decode-scale":
          scale = DecodeScale.parse(value(args, ++i));
          break;
        case "--model-on-executors":
          onExecutors = true;
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = SparkSession.builder().appName("litemodel-predict-images").getOrCreate();
    try {
      ModelSource source = onExecutors ? ModelSource.atPath(model) : ModelSource.shipBytes(Path.of(model));
      ModelTransformer transformer = new ModelTransformer(source).setInputKind(InputKind.IMAGE)
          .setNormalization(normalize).setBatchSize(batch).setOnError(onError)
          .setDecoder(decoder).setDecodeScale(scale);
      Dataset<Row> scored = transformer.transform(ImageFiles.read(spark, images));
      String[] keep = onError == OnError.NULL
          ? new String[] {"path", "prediction", "prediction_error"} : new String[] {"path", "prediction"};
      scored.selectExpr(keep).write().mode("overwrite").parquet(output);
      Row counts = spark.read().parquet(output).selectExpr("count(*)", "count(prediction)").first();
      System.out.println("predicted " + counts.getLong(1) + " of " + counts.getLong(0) + " images into " + output);
    } finally {
      spark.stop();
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
