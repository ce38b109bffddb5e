package io.litemodel.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import io.litemodel.LiteModelException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads a SavedModel's signatures from its {@code MetaGraphDef}: the inputs and outputs of one signature, by key, in
 * key order (TensorFlow stores signature maps sorted by key; LiteModel's TFLite signatures list them the same way).
 */
final class TfSignatures {
  /** The pseudo-signature TensorFlow adds for initialization; never a model entry point. */
  private static final String INIT_OP_KEY = "__saved_model_init_op";

  private final Map<String, SignatureDef> signatures = new TreeMap<>();

  TfSignatures(String source, ByteBuffer metaGraph) {
    try {
      MetaGraphDef meta = MetaGraphDef.parseFrom(metaGraph);
      for (Map.Entry<String, SignatureDef> entry : meta.getSignatureDefMap().entrySet()) {
        if (!entry.getKey().equals(INIT_OP_KEY)) {
          signatures.put(entry.getKey(), entry.getValue());
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, "cannot read the meta graph of "
          + source + ": " + e.getMessage(), e);
    }
  }

  /** @return the signature keys, sorted */
  List<String> keys() {
    return new ArrayList<>(new TreeSet<>(signatures.keySet()));
  }

  /**
   * @return the inputs ({@code outputs == false}) or outputs of signature {@code key}, in key order
   * @throws IllegalArgumentException if there is no such signature
   */
  List<TfEndpoint> endpoints(String source, String key, boolean outputs) {
    SignatureDef signature = signatures.get(key);
    if (signature == null) {
      throw new IllegalArgumentException("the SavedModel " + source + " has no signature '" + key
          + "'; it has " + keys());
    }
    Map<String, TensorInfo> infos = new TreeMap<>(outputs ? signature.getOutputsMap() : signature.getInputsMap());
    List<TfEndpoint> endpoints = new ArrayList<>();
    for (Map.Entry<String, TensorInfo> entry : infos.entrySet()) {
      TensorInfo info = entry.getValue();
      if (info.getName().isEmpty()) {
        throw new IllegalArgumentException("signature '" + key + "' " + (outputs ? "output" : "input") + " '"
            + entry.getKey() + "' is a composite tensor (sparse or ragged), which this runtime does not feed");
      }
      String name = info.getName();
      int colon = name.lastIndexOf(':');
      String operation = colon < 0 ? name : name.substring(0, colon);
      int index = colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
      endpoints.add(new TfEndpoint(entry.getKey(), operation, index, info.getDtypeValue(), dims(info),
          outputs ? "output" : "input"));
    }
    return endpoints;
  }

  private static long[] dims(TensorInfo info) {
    if (!info.hasTensorShape() || info.getTensorShape().getUnknownRank()) {
      return null;
    }
    List<TensorShapeProto.Dim> dims = info.getTensorShape().getDimList();
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = dims.get(i).getSize();
    }
    return shape;
  }
}
