package io.litemodel.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a folder of images with Spark's {@code binaryFile} source, for {@link InputKind#IMAGE} transforms. */
public final class ImageFiles {
  /** The file names read by default: what the {@code predict} command reads from a folder. */
  public static final String DEFAULT_GLOB = "*.{jpg,jpeg,png,JPG,JPEG,PNG}";

  private ImageFiles() {}

  /**
   * @param folder a folder (any file system Spark reads: local, HDFS, S3...), read recursively
   * @return rows of {@code path, modificationTime, length, content}
   */
  public static Dataset<Row> read(SparkSession spark, String folder) {
    return read(spark, folder, DEFAULT_GLOB);
  }

  /**
   * @param glob which file names to read, as Spark's {@code pathGlobFilter}
   * @return rows of {@code path, modificationTime, length, content}
   */
  public static Dataset<Row> read(SparkSession spark, String folder, String glob) {
    return spark.read().format("binaryFile").option("pathGlobFilter", glob).option("recursiveFileLookup", "true")
        .load(folder);
  }
}
