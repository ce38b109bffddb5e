package io.litemodel.internal.analysis;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks the model's signature table, which neither the flatbuffer verifier nor {@code tflite::Verify} looks at.
 * TensorFlow Lite builds a signature's input (output) names from its entries, skipping unnamed ones and merging
 * duplicates, but counts the signature's inputs (outputs) from its subgraph; when the two disagree,
 * {@code TfLiteSignatureRunnerGetInputName} reads past the end of the names (a fuzzed model whose signature input had
 * lost its name crashed the process there). So every signature must name an existing subgraph, and on each side its
 * entries must be named, distinct, exactly as many as the subgraph's inputs (outputs), and point at those tensors.
 *
 * <p>Reads the raw table through {@link FlatbufferReader}, not {@link ModelGraph}, which has already smoothed over
 * what is checked here (an absent name reads as empty there, a subgraph index beyond int range wraps). Field numbers
 * as in {@code tensorflow/lite/schema/schema.fbs}.
 */
public final class SignatureTableCheck {
  private static final int MODEL_SUBGRAPHS = 2;
  private static final int MODEL_SIGNATURE_DEFS = 7;
  private static final int SUBGRAPH_TENSORS = 0;
  private static final int SUBGRAPH_INPUTS = 1;
  private static final int SUBGRAPH_OUTPUTS = 2;
  private static final int SIGNATURE_INPUTS = 0;
  private static final int SIGNATURE_OUTPUTS = 1;
  private static final int SIGNATURE_SUBGRAPH_INDEX = 4;
  private static final int TENSOR_MAP_NAME = 0;
  private static final int TENSOR_MAP_TENSOR_INDEX = 1;

  private final FlatbufferReader in;

  private SignatureTableCheck(ByteBuffer model) {
    this.in = new FlatbufferReader(model);
  }

  /**
   * @param model the model bytes (position to limit), already accepted by the flatbuffer verifier
   * @return what is wrong with the signature table, or null when it is consistent
   */
  public static String problem(ByteBuffer model) {
    try {
      return new SignatureTableCheck(model).check();
    } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
      return "the signature table points outside the file";
    }
  }

  private String check() {
    int root = in.root();
    int signatureVector = in.vector(root, MODEL_SIGNATURE_DEFS);
    if (signatureVector == 0) {
      return null;
    }
    int subgraphs = in.vector(root, MODEL_SUBGRAPHS);
    int subgraphCount = in.length(subgraphs);
    for (int s = 0; s < in.length(signatureVector); s++) {
      int signature = in.element(signatureVector, s);
      long subgraphIndex = in.uint32(signature, SIGNATURE_SUBGRAPH_INDEX);
      if (subgraphIndex >= subgraphCount) {
        return "signature " + s + " names subgraph " + subgraphIndex + " of " + subgraphCount;
      }
      int subgraph = in.element(subgraphs, (int) subgraphIndex);
      int tensorCount = in.length(in.vector(subgraph, SUBGRAPH_TENSORS));
      for (int side : new int[] {SIGNATURE_INPUTS, SIGNATURE_OUTPUTS}) {
        boolean inputs = side == SIGNATURE_INPUTS;
        int[] graphTensors = in.ints(in.vector(subgraph, inputs ? SUBGRAPH_INPUTS : SUBGRAPH_OUTPUTS));
        int maps = in.vector(signature, side);
        int mapCount = in.length(maps);
        String sideName = inputs ? "input" : "output";
        if (mapCount != graphTensors.length) {
          return "signature " + s + " lists " + mapCount + " " + sideName + "s, its subgraph has "
              + graphTensors.length;
        }
        Set<String> names = new HashSet<>();
        for (int m = 0; m < mapCount; m++) {
          int map = in.element(maps, m);
          String what = sideName + " " + m + " of signature " + s;
          String name = in.string(map, TENSOR_MAP_NAME);
          if (name == null) {
            return what + " has no name";
          }
          if (!names.add(name)) {
            return what + " repeats the name of another " + sideName;
          }
          long tensor = in.uint32(map, TENSOR_MAP_TENSOR_INDEX);
          if (tensor >= tensorCount || !contains(graphTensors, tensor)) {
            return what + " names tensor " + tensor + ", not one of its subgraph's " + sideName + "s";
          }
        }
      }
    }
    return null;
  }

  /** @return true when {@code tensors} (uint32 indices, as stored) holds {@code value} */
  private static boolean contains(int[] tensors, long value) {
    for (int tensor : tensors) {
      if (Integer.toUnsignedLong(tensor) == value) {
        return true;
      }
    }
    return false;
  }
}
