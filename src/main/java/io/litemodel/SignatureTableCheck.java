package io.litemodel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks the model's signature table, which neither the flatbuffer verifier nor {@code tflite::Verify} looks at:
 * every signature must name its subgraph, and every input and output entry must have a name and a tensor index
 * inside that subgraph. TensorFlow Lite dereferences these without checking; a fuzzing round found a model whose
 * signature input had lost its name, which crashed the process in {@code TfLiteSignatureRunnerGetInputName}.
 *
 * <p>Hand-written because it needs five fields of the TensorFlow Lite schema, read after the flatbuffer verifier has
 * already checked every offset; generated schema classes would be a dependency for that. Field numbers follow
 * {@code tensorflow/lite/schema/schema.fbs}: Model.subgraphs = 2, Model.signature_defs = 7, SubGraph.tensors = 0,
 * SignatureDef.inputs = 0, outputs = 1, subgraph_index = 4, TensorMap.name = 0, tensor_index = 1.
 */
final class SignatureTableCheck {
  private static final int MODEL_SUBGRAPHS = 2;
  private static final int MODEL_SIGNATURE_DEFS = 7;
  private static final int SUBGRAPH_TENSORS = 0;
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
    } catch (IndexOutOfBoundsException e) {
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
        int mapsField = field(signature, side);
        if (mapsField == 0) {
          continue;
        }
        int maps = indirect(mapsField);
        for (int m = 0; m < vectorLength(maps); m++) {
          int map = element(maps, m);
          String what = (side == SIGNATURE_INPUTS ? "input " : "output ") + m + " of signature " + s;
          if (field(map, TENSOR_MAP_NAME) == 0) {
            return what + " has no name";
          }
          int tensorField = field(map, TENSOR_MAP_TENSOR_INDEX);
          long tensor = tensorField == 0 ? 0 : Integer.toUnsignedLong(bytes.getInt(tensorField));
          if (tensor >= tensorCount) {
            return what + " names tensor " + tensor + " of " + tensorCount;
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

  /** @return the table that element {@code k} of the vector of tables at {@code vector} points to */
  private int element(int vector, int k) {
    return indirect(vector + 4 + 4 * k);
  }
}
