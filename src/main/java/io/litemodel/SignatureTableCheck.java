package io.litemodel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks the model's signature table, which neither the flatbuffer verifier nor {@code tflite::Verify} looks at.
 * TensorFlow Lite builds a signature's input (output) names from its entries, skipping unnamed ones and merging
 * duplicates, but counts the signature's inputs (outputs) from its subgraph; when the two disagree,
 * {@code TfLiteSignatureRunnerGetInputName} reads past the end of the names (a fuzzed model whose signature input had
 * lost its name crashed the process there). So every signature must name an existing subgraph, and on each side its
 * entries must be named, distinct, exactly as many as the subgraph's inputs (outputs), and point at those tensors.
 *
 * <p>Hand-written because it needs five fields of the TensorFlow Lite schema, read after the flatbuffer verifier has
 * already checked every offset; generated schema classes would be a dependency for that. Field numbers follow
 * {@code tensorflow/lite/schema/schema.fbs}: Model.subgraphs = 2, Model.signature_defs = 7, SubGraph.tensors = 0,
 * SubGraph.inputs = 1, SubGraph.outputs = 2, SignatureDef.inputs = 0, outputs = 1, subgraph_index = 4, TensorMap.name = 0,
 * tensor_index = 1.
 */
final class SignatureTableCheck {
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

  private final ByteBuffer bytes;

  private SignatureTableCheck(ByteBuffer bytes) {
    this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * @param model the model bytes (position to limit), already accepted by the flatbuffer verifier
   * @return what is wrong with the signature table, or null when it is consistent
   */
  static String problem(ByteBuffer model) {
    try {
      return new SignatureTableCheck(model).check();
    } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
      return "the signature table points outside the file";
    }
  }

  private String check() {
    int root = bytes.getInt(0);
    int signatures = field(root, MODEL_SIGNATURE_DEFS);
    if (signatures == 0) {
      return null;
    }
    int subgraphs = field(root, MODEL_SUBGRAPHS);
    int subgraphCount = subgraphs == 0 ? 0 : vectorLength(indirect(subgraphs));
    int signatureVector = indirect(signatures);
    for (int s = 0; s < vectorLength(signatureVector); s++) {
      int signature = element(signatureVector, s);
      int indexField = field(signature, SIGNATURE_SUBGRAPH_INDEX);
      long subgraphIndex = indexField == 0 ? 0 : Integer.toUnsignedLong(bytes.getInt(indexField));
      if (subgraphIndex >= subgraphCount) {
        return "signature " + s + " names subgraph " + subgraphIndex + " of " + subgraphCount;
      }
      int subgraph = element(indirect(subgraphs), (int) subgraphIndex);
      int tensors = field(subgraph, SUBGRAPH_TENSORS);
      int tensorCount = tensors == 0 ? 0 : vectorLength(indirect(tensors));
      for (int side : new int[] {SIGNATURE_INPUTS, SIGNATURE_OUTPUTS}) {
        boolean inputs = side == SIGNATURE_INPUTS;
        int graphField = field(subgraph, inputs ? SUBGRAPH_INPUTS : SUBGRAPH_OUTPUTS);
        int graphList = graphField == 0 ? 0 : indirect(graphField);
        int graphCount = graphList == 0 ? 0 : vectorLength(graphList);
        int mapsField = field(signature, side);
        int maps = mapsField == 0 ? 0 : indirect(mapsField);
        int mapCount = maps == 0 ? 0 : vectorLength(maps);
        String sideName = inputs ? "input" : "output";
        if (mapCount != graphCount) {
          return "signature " + s + " lists " + mapCount + " " + sideName + "s, its subgraph has " + graphCount;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int m = 0; m < mapCount; m++) {
          int map = element(maps, m);
          String what = sideName + " " + m + " of signature " + s;
          int nameField = field(map, TENSOR_MAP_NAME);
          if (nameField == 0) {
            return what + " has no name";
          }
          if (!names.add(string(indirect(nameField)))) {
            return what + " repeats the name of another " + sideName;
          }
          int tensorField = field(map, TENSOR_MAP_TENSOR_INDEX);
          long tensor = tensorField == 0 ? 0 : Integer.toUnsignedLong(bytes.getInt(tensorField));
          if (tensor >= tensorCount || !contains(graphList, graphCount, tensor)) {
            return what + " names tensor " + tensor + ", not one of its subgraph's " + sideName + "s";
          }
        }
      }
    }
    return null;
  }

  /** @return the absolute position of field {@code index} of the table at {@code table}, or 0 when absent */
  private int field(int table, int index) {
    int vtable = table - bytes.getInt(table);
    int vtableSize = Short.toUnsignedInt(bytes.getShort(vtable));
    int slot = 4 + 2 * index;
    if (slot + 2 > vtableSize) {
      return 0;
    }
    int offset = Short.toUnsignedInt(bytes.getShort(vtable + slot));
    return offset == 0 ? 0 : table + offset;
  }

  /** Follows the unsigned offset stored at {@code position}. */
  private int indirect(int position) {
    return position + bytes.getInt(position);
  }

  private int vectorLength(int vector) {
    return bytes.getInt(vector);
  }

  /** @return true when the vector of ints at {@code vector} (of {@code length}) holds {@code value} */
  private boolean contains(int vector, int length, long value) {
    for (int i = 0; i < length; i++) {
      if (Integer.toUnsignedLong(bytes.getInt(vector + 4 + 4 * i)) == value) {
        return true;
      }
    }
    return false;
  }

  /** @return the flatbuffer string at {@code position} (length-prefixed bytes; compared, never shown) */
  private String string(int position) {
    int length = bytes.getInt(position);
    byte[] text = new byte[length];
    bytes.get(position + 4, text);
    return new String(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** @return the table that element {@code k} of the vector of tables at {@code vector} points to */
  private int element(int vector, int k) {
    return indirect(vector + 4 + 4 * k);
  }
}
