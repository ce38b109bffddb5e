package io.litemodel.spark;

import java.nio.FloatBuffer;
import java.util.List;
import org.apache.spark.sql.Row;

/** Features from one array column (a whole input row) or from several numeric columns (one value each). */
final class FeatureInput implements RowInput {
  private final int[] columns;
  private final String[] names;

  /** @param columns the input columns' positions in the row; one means an array column */
  FeatureInput(int[] columns, String[] names) {
    this.columns = columns.clone();
    this.names = names.clone();
  }

  @Override
  public void write(Row row, FloatBuffer slot) {
    int width = slot.limit();
    if (columns.length == 1) {
      int column = columns[0];
      if (row.isNullAt(column)) {
        throw new IllegalArgumentException("input column '" + names[0] + "' is null");
      }
      List<Object> values = row.getList(column);
      if (values.size() != width) {
        throw new IllegalArgumentException("input column '" + names[0] + "' has " + values.size()
            + " values; the model takes " + width);
      }
      for (int i = 0; i < width; i++) {
        Object value = values.get(i);
        if (value == null) {
          throw new IllegalArgumentException("input column '" + names[0] + "' has a null at position " + i);
        }
        slot.put(i, ((Number) value).floatValue());
      }
      return;
    }
    if (columns.length != width) { // checked on the driver too; kept for models swapped under a path
      throw new IllegalArgumentException(columns.length + " input columns given; the model takes " + width
          + " values per row");
    }
    for (int i = 0; i < width; i++) {
      if (row.isNullAt(columns[i])) {
        throw new IllegalArgumentException("input column '" + names[i] + "' is null");
      }
      slot.put(i, ((Number) row.get(columns[i])).floatValue());
    }
  }

  @Override
  public String describe(Row row) {
    return null;
  }
}
