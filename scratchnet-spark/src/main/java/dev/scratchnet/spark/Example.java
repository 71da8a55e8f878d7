package dev.scratchnet.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.List;

/** One training example as Spark holds it: the features of one input row and its class. */
public final class Example implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The input's values, as many as the model takes. */
    private final float[] features;
    /** The class, from 0. */
    private final int label;

    /**
     * An example; the features are kept, not copied.
     *
     * @param features the input's values, as many as the model takes
     * @param label the class, from 0
     */
    public Example(float[] features, int label) {
        if (features == null) {
            throw new IllegalArgumentException("Example: features are null");
        }
        if (label < 0) {
            throw new IllegalArgumentException("Example: label " + label + " is negative");
        }
        this.features = features;
        this.label = label;
    }

    /**
     * The input's values (not a copy).
     *
     * @return the input's values
     */
    public float[] features() {
        return features;
    }

    /**
     * The class, from 0.
     *
     * @return the class
     */
    public int label() {
        return label;
    }

    /**
     * The examples of a DataFrame whose {@code featuresColumn} is an array of numbers and whose {@code labelColumn} is
     * a whole number, in the DataFrame's partitions and order.
     *
     * @param rows the DataFrame
     * @param featuresColumn the name of the column of feature arrays
     * @param labelColumn the name of the column of classes
     * @return the examples, one per row
     */
    public static JavaRDD<Example> fromRows(Dataset<Row> rows, String featuresColumn, String labelColumn) {
        List<String> columns = List.of(rows.columns());
        for (String column : List.of(featuresColumn, labelColumn)) {
            if (!columns.contains(column)) {
                throw new IllegalArgumentException("Example.fromRows: no column '" + column + "' among " + columns);
            }
        }
        int features = rows.schema().fieldIndex(featuresColumn), label = rows.schema().fieldIndex(labelColumn);
        return rows.toJavaRDD().map(row -> new Example(toFloats(row.getList(features), featuresColumn), toLabel(row.get(label), labelColumn)));
    }

    private static float[] toFloats(List<Object> values, String column) {
        if (values == null) {
            throw new IllegalArgumentException("Example.fromRows: a row's '" + column + "' is null");
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(values.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("Example.fromRows: '" + column + "' holds " + values.get(i) + " at " + i + ", not a number");
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    private static int toLabel(Object value, String column) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0 || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Example.fromRows: '" + column + "' holds " + value + ", not a class number (0, 1, 2, ...)");
        }
        return n.intValue();
    }
}
