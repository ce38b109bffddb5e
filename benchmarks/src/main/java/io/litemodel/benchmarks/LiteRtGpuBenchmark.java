package io.litemodel.benchmarks;

import io.litemodel.Accelerator;
import io.litemodel.LiteModel;
import org.openjdk.jmh.annotations.Param;

/**
 * LiteModel on LiteRT's GPU accelerator ({@code Accelerator.gpu()}), one record per call, through the same
 * allocation-free {@code predictSingle(float[], float[])} as {@link LiteModelBenchmark}; with {@code -prof gc} it shows
 * what the GPU path allocates per call. On a software Vulkan device (SwiftShader) the times measure a CPU emulating
 * a GPU, not GPU speed.
 *
 * <p>Run (from the repository root, after {@code mvn -Pfull package} fetched LiteRT and SwiftShader; drop
 * {@code -Dlitemodel.bench.softwareGpu=true} and the two variables on a machine with a GPU):
 * <pre>
 * VK_ICD_FILENAMES=$PWD/native/build/linux-x86_64/swiftshader/vk_swiftshader_icd.json \
 * LD_LIBRARY_PATH=$PWD/native/build/linux-x86_64/swiftshader \
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main LiteRtGpuBenchmark \
 *     -jvmArgsAppend "-Dlitemodel.litert.dir=$PWD/native/build/linux-x86_64/litert -Dlitemodel.bench.softwareGpu=true" \
 *     -prof gc
 * </pre>
 */
public class LiteRtGpuBenchmark extends SingleRecordBenchmark {
  /** Reference model. */
  @Param({"seed_mlp"})
  public String model;

  @Override
  protected LiteModel load() {
    boolean software = Boolean.getBoolean("litemodel.bench.softwareGpu");
    return LiteModel.load(BenchData.model(model, ".tflite"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpu().withSoftwareAdapter(software)));
  }
}
