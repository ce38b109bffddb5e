package io.litemodel.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteImportGraphDefOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphGetTensorNumDims;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphGetTensorShape;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphImportGraphDef;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphOperationByName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_LoadSessionFromSavedModel;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewBufferFromString;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewImportGraphDefOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OperationNumOutputs;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OperationOutputType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

import io.litemodel.LiteModelException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_ImportGraphDefOptions;
import org.tensorflow.internal.c_api.TF_Operation;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * The native side of a loaded TensorFlow model: its graph and session, owned here once and shared by a model and its
 * replicas (reference counted); the last {@link #release()} closes the session and deletes both, exactly once.
 * Package-private: nothing outside {@code io.litemodel.tensorflow} sees these handles.
 */
final class TfGraphSession {
  private static final Cleaner CLEANER = Cleaner.create();

  final TF_Graph graph;
  final TF_Session session;
  private final List<String> deviceTypes;
  private final List<String> deviceNames;
  private final AtomicInteger owners = new AtomicInteger(1);
  private final Cleaner.Cleanable cleanable;

  private TfGraphSession(TF_Graph graph, TF_Session session) {
    this.graph = graph;
    this.session = session;
    List<String> types = new ArrayList<>();
    List<String> names = new ArrayList<>();
    listDevices(session, types, names);
    this.deviceTypes = Collections.unmodifiableList(types);
    this.deviceNames = Collections.unmodifiableList(names);
    // Safety net only: a session never released (owner leaked) is freed when unreachable.
    this.cleanable = CLEANER.register(this, new Release(graph, session));
  }

  /**
   * Loads a SavedModel's meta graph with {@code tags} into a new session.
   *
   * @param metaGraph receives the serialized {@code MetaGraphDef}
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} and TensorFlow's reason
   */
  static TfGraphSession loadSavedModel(String directory, List<String> tags, TfOptions options, ByteBuffer[] metaGraph) {
    TF_Status status = TF_NewStatus();
    TF_SessionOptions sessionOptions = sessionOptions(options, status);
    TF_Graph graph = TF_NewGraph();
    TF_Buffer meta = TF_NewBuffer();
    try (PointerPointer<BytePointer> tagPointers = new PointerPointer<>(tags.toArray(new String[0]));
        BytePointer path = new BytePointer(directory)) {
      TF_Session session = TF_LoadSessionFromSavedModel(sessionOptions, null, path, tagPointers, tags.size(), graph,
          meta, status);
      if (TF_GetCode(status) != 0 || session == null || session.isNull()) {
        String reason = TF_Message(status).getString();
        TF_DeleteGraph(graph);
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, "cannot load the SavedModel "
            + directory + " with tags " + tags + ": " + reason);
      }
      byte[] bytes = new byte[(int) meta.length()];
      new BytePointer(meta.data()).capacity(bytes.length).get(bytes);
      metaGraph[0] = ByteBuffer.wrap(bytes);
      return new TfGraphSession(graph, session);
    } finally {
      TF_DeleteBuffer(meta);
      TF_DeleteSessionOptions(sessionOptions);
      TF_DeleteStatus(status);
    }
  }

  /**
   * Imports a serialized {@code GraphDef} (a frozen graph: weights as constants) into a new session.
   *
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} when the bytes are no GraphDef
   */
  static TfGraphSession importGraphDef(String source, byte[] graphDef, TfOptions options) {
    TF_Status status = TF_NewStatus();
    TF_SessionOptions sessionOptions = sessionOptions(options, status);
    TF_Graph graph = TF_NewGraph();
    TF_ImportGraphDefOptions importOptions = TF_NewImportGraphDefOptions();
    try (BytePointer bytes = new BytePointer(graphDef)) {
      TF_Buffer buffer = TF_NewBufferFromString(bytes, graphDef.length);
      TF_GraphImportGraphDef(graph, buffer, importOptions, status);
      TF_DeleteBuffer(buffer);
      if (TF_GetCode(status) != 0) {
        String reason = TF_Message(status).getString();
        TF_DeleteGraph(graph);
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, source
            + " is not a valid frozen graph (a serialized GraphDef): " + reason);
      }
      TF_Session session = TF_NewSession(graph, sessionOptions, status);
      if (TF_GetCode(status) != 0 || session == null || session.isNull()) {
        String reason = TF_Message(status).getString();
        TF_DeleteGraph(graph);
        throw new LiteModelException(LiteModelException.Status.ERROR, "cannot create a session for " + source
            + ": " + reason);
      }
      return new TfGraphSession(graph, session);
    } finally {
      TF_DeleteImportGraphDefOptions(importOptions);
      TF_DeleteSessionOptions(sessionOptions);
      TF_DeleteStatus(status);
    }
  }

  /** The session configuration: thread pools and, for CPU placement, no GPU devices at all. */
  private static TF_SessionOptions sessionOptions(TfOptions options, TF_Status status) {
    ConfigProto.Builder config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(options.intraOpThreads())
        .setInterOpParallelismThreads(options.interOpThreads())
        .setAllowSoftPlacement(options.placement() != DevicePlacement.GPU);
    if (options.placement() == DevicePlacement.CPU) {
      config.putDeviceCount("GPU", 0);
    } else {
      // Take GPU memory as needed rather than all of it up front (TensorFlow's default), so that a model shares.
      config.getGpuOptionsBuilder().setAllowGrowth(true);
    }
    byte[] serialized = config.build().toByteArray();
    TF_SessionOptions sessionOptions = TF_NewSessionOptions();
    try (BytePointer bytes = new BytePointer(serialized)) {
      TF_SetConfig(sessionOptions, bytes, serialized.length, status);
    }
    if (TF_GetCode(status) != 0) {
      String reason = TF_Message(status).getString();
      TF_DeleteSessionOptions(sessionOptions);
      throw new LiteModelException(LiteModelException.Status.ERROR, "TensorFlow rejected the session options "
          + options + ": " + reason);
    }
    return sessionOptions;
  }

  private static void listDevices(TF_Session session, List<String> types, List<String> names) {
    TF_Status status = TF_NewStatus();
    try {
      TF_DeviceList list = TF_SessionListDevices(session, status);
      if (TF_GetCode(status) != 0 || list == null || list.isNull()) {
        return;
      }
      for (int i = 0; i < TF_DeviceListCount(list); i++) {
        types.add(TF_DeviceListType(list, i, status).getString());
        names.add(TF_DeviceListName(list, i, status).getString());
      }
      TF_DeleteDeviceList(list);
    } finally {
      TF_DeleteStatus(status);
    }
  }

  /**
   * Describes the tensor {@code operation:index} from the graph itself (frozen graphs have no signature).
   *
   * @throws IllegalArgumentException if the graph has no such operation or output
   */
  TfEndpoint endpoint(String key, String operation, int index, String role) {
    TF_Operation op = TF_GraphOperationByName(graph, operation);
    if (op == null || op.isNull()) {
      throw new IllegalArgumentException("the graph has no operation '" + operation + "' (given as " + role + " '"
          + key + "')");
    }
    int outputs = TF_OperationNumOutputs(op);
    if (index < 0 || index >= outputs) {
      throw new IllegalArgumentException("operation '" + operation + "' has " + outputs + " outputs; " + role
          + " '" + key + "' asks for output " + index);
    }
    TF_Status status = TF_NewStatus();
    try (TF_Output output = new TF_Output(1)) {
      output.oper(op).index(index);
      int dtype = TF_OperationOutputType(output);
      int rank = TF_GraphGetTensorNumDims(graph, output, status);
      long[] dims = null;
      if (TF_GetCode(status) == 0 && rank >= 0) {
        dims = new long[rank];
        TF_GraphGetTensorShape(graph, output, dims, rank, status);
        if (TF_GetCode(status) != 0) {
          dims = null;
        }
      }
      return new TfEndpoint(key, operation, index, dtype, dims, role);
    } finally {
      TF_DeleteStatus(status);
    }
  }

  /** @return TensorFlow's device types in this session, e.g. {@code [CPU]} or {@code [CPU, GPU]} */
  List<String> deviceTypes() {
    return deviceTypes;
  }

  /** @return TensorFlow's full device names, e.g. {@code /job:localhost/replica:0/task:0/device:CPU:0} */
  List<String> deviceNames() {
    return deviceNames;
  }

  /** Adds an owner (a replica). */
  void acquire() {
    owners.incrementAndGet();
  }

  /** Drops an owner; the last one closes the session and deletes session and graph. */
  void release() {
    if (owners.decrementAndGet() == 0) {
      cleanable.clean();
    }
  }

  /** The release sequence, run exactly once (by the last owner or, for a leak, by the Cleaner). */
  private static final class Release implements Runnable {
    private final TF_Graph graph;
    private final TF_Session session;

    Release(TF_Graph graph, TF_Session session) {
      this.graph = graph;
      this.session = session;
    }

    @Override
    public void run() {
      TF_Status status = TF_NewStatus();
      TF_CloseSession(session, status);
      TF_DeleteSession(session, status);
      TF_DeleteGraph(graph);
      TF_DeleteStatus(status);
    }
  }
}
