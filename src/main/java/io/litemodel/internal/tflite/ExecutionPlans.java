package io.litemodel.internal.tflite;

import io.litemodel.Accelerator;
import io.litemodel.ExecutionReport;
import io.litemodel.internal.analysis.BuiltinOperators;
import io.litemodel.internal.analysis.ModelGraph;
import io.litemodel.internal.presets.LiteModelShim;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * Turns what the graph probe recorded (see {@code shim.h}) into an {@link ExecutionReport}, one entry per subgraph.
 *
 * <p>TensorFlow Lite shows a delegate each subgraph in turn, in subgraph order, skipping only those it never
 * delegates (validation and "delegation-skippable" subgraphs). So the probe's records are matched to subgraphs in
 * order, and a record is only taken for a subgraph when its node count agrees with the subgraph's operators as
 * declared in the file (delegated nodes plus nodes left to CPU kernels); a subgraph without a matching record is
 * reported as not shown to delegates, with its declared operators on the CPU kernels. The report can therefore never
 * describe another subgraph's plan as the one that runs.
 */
final class ExecutionPlans {
  private static final int PLAN_SIZE = 1;
  private static final int DELEGATE_KERNELS = 2;
  private static final int DELEGATED_NODES = 3;
  private static final int CPU_NODES = 4;

  private ExecutionPlans() {}

  static ExecutionReport report(ModelGraph graph, String signatureKey, Pointer probe, Accelerator.Kind runsOn,
      List<String> delegates, List<String> notes) {
    ExecutionReport.Role[] roles = graph.roles(signatureKey);
    int records = probe == null ? 0 : LiteModelShim.lm_probe_records(probe);
    List<ExecutionReport.Subgraph> subgraphs = new ArrayList<>();
    int next = 0;
    int primaryPlanSize = -1;
    int primaryIndex = graph.primarySubgraph(signatureKey);
    for (ModelGraph.Subgraph declared : graph.subgraphs()) {
      int operators = declared.operators().size();
      boolean matches = next < records && LiteModelShim.lm_probe_count(probe, next, DELEGATED_NODES)
          + LiteModelShim.lm_probe_count(probe, next, CPU_NODES) == operators;
      ExecutionReport.Subgraph entry;
      if (matches) {
        entry = planned(declared, roles[declared.index()], probe, next);
        if (declared.index() == primaryIndex) {
          primaryPlanSize = LiteModelShim.lm_probe_count(probe, next, PLAN_SIZE);
        }
        next++;
      } else {
        List<String> names = new ArrayList<>();
        for (ModelGraph.Operator operator : declared.operators()) {
          names.add(graph.operatorName(operator));
        }
        entry = new ExecutionReport.Subgraph(declared.index(), declared.name(), roles[declared.index()], operators,
            false, 0, 0, List.of(), names);
      }
      subgraphs.add(entry);
    }
    ExecutionReport.Subgraph primary = primaryIndex >= 0 && primaryIndex < subgraphs.size()
        ? subgraphs.get(primaryIndex)
        : new ExecutionReport.Subgraph(primaryIndex, "", ExecutionReport.Role.PRIMARY, 0, false, 0, 0, List.of(),
            List.of());
    return new ExecutionReport(runsOn, delegates, primaryPlanSize, primary, subgraphs, notes);
  }

  private static ExecutionReport.Subgraph planned(ModelGraph.Subgraph declared, ExecutionReport.Role role,
      Pointer probe, int record) {
    int planSize = LiteModelShim.lm_probe_count(probe, record, PLAN_SIZE);
    List<String> partitionNames = new ArrayList<>();
    List<String> cpuOperators = new ArrayList<>();
    for (int i = 0; i < planSize; i++) {
      int code = LiteModelShim.lm_probe_node_code(probe, record, i);
      String name = LiteModelShim.lm_probe_node_name(probe, record, i).getString();
      if (code == -1) {
        partitionNames.add(name);
      } else if (code >= 0) {
        cpuOperators.add(name.isEmpty() ? BuiltinOperators.name(code) : name);
      }
    }
    return new ExecutionReport.Subgraph(declared.index(), declared.name(), role, declared.operators().size(), true,
        LiteModelShim.lm_probe_count(probe, record, DELEGATE_KERNELS),
        LiteModelShim.lm_probe_count(probe, record, DELEGATED_NODES), partitionNames, cpuOperators);
  }
}
