package dev.scratchnet.cli;

import dev.scratchnet.models.Trainer;
import dev.scratchnet.io.AtomicFiles;
import dev.scratchnet.op.Tensor;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The pictures of a run: curves and the confusion matrix drawn with XChart, image grids drawn pixel by pixel. */
final class Charts {
    private Charts() {
    }

    static void lossAndAccuracy(List<Trainer.Epoch> epochs, Path lossFile, Path accuracyFile) throws IOException {
        List<Integer> x = new ArrayList<>();
        List<Double> trainLoss = new ArrayList<>(), testLoss = new ArrayList<>(), trainAcc = new ArrayList<>(), testAcc = new ArrayList<>();
        for (Trainer.Epoch e : epochs) {
            x.add(e.number());
            trainLoss.add(e.trainLoss());
            testLoss.add(e.testLoss());
            trainAcc.add(e.trainAccuracy());
            testAcc.add(e.testAccuracy());
        }
        save(curves("Loss", "cross-entropy", x, trainLoss, testLoss), lossFile);
        save(curves("Accuracy", "accuracy", x, trainAcc, testAcc), accuracyFile);
    }

    /** A figure of the run by epoch, its training and its test curve, as the run folder draws each. */
    private static XYChart curves(String title, String yAxis, List<Integer> epochs, List<Double> train, List<Double> test) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch").yAxisTitle(yAxis).build();
        chart.getStyler().setYAxisDecimalPattern("0.000");
        chart.addSeries("train", epochs, train);
        chart.addSeries("test", epochs, test);
        return chart;
    }

    static void confusion(long[][] matrix, Path file) throws IOException {
        int n = matrix.length;
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add(i);
        }
        List<Number[]> cells = new ArrayList<>();
        long mostMistakes = 1;
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                cells.add(new Number[] {predicted, actual, matrix[actual][predicted]});
                mostMistakes = Math.max(mostMistakes, actual == predicted ? 0 : matrix[actual][predicted]);
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(640).height(600).title("Confusion matrix (test set)")
                .xAxisTitle("predicted").yAxisTitle("true").build();
        // The colour scale ends at the most frequent mistake, so that the mistakes show; the right answers, far more
        // numerous, take its darkest colour. Every cell says its count.
        chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("0").setMin(0).setMax(mostMistakes);
        chart.addSeries("count", labels, labels, cells);
        save(chart, file);
    }

    /** W1's columns as square tiles, one per hidden unit, in a grid; blue negative, red positive. */
    static void weights(Tensor w1, int side, Path file) throws IOException {
        write(weightTiles(w1, side), file);
    }

    /** The picture of {@link #weights}. */
    static BufferedImage weightTiles(Tensor w1, int side) {
        int units = w1.dim(1), cols = (int) Math.ceil(Math.sqrt(units)), rows = (units + cols - 1) / cols, scale = 3, gap = 2;
        float[] w = w1.toFloatArray();
        float max = 1e-12f;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
        }
        BufferedImage image = canvas(cols * (side * scale + gap), rows * (side * scale + gap));
        for (int u = 0; u < units; u++) {
            int x0 = (u % cols) * (side * scale + gap), y0 = (u / cols) * (side * scale + gap);
            for (int p = 0; p < side * side; p++) {
                float v = w[p * units + u] / max;
                int shade = (int) (255 * (1 - Math.min(1, Math.abs(v))));
                fill(image, x0 + (p % side) * scale, y0 + (p / side) * scale, scale, v >= 0 ? rgb(255, shade, shade) : rgb(shade, shade, 255));
            }
        }
        return image;
    }

    /** Up to {@code limit} misclassified test images, each with "true→predicted" above it. */
    static void misclassified(Tensor images, long[] labels, long[] predictions, int side, int limit, Path file) throws IOException {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < labels.length && wrong.size() < limit; i++) {
            if (labels[i] != predictions[i]) {
                wrong.add(i);
            }
        }
        int cols = 10, rows = Math.max(1, (wrong.size() + cols - 1) / cols), scale = 2, cell = side * scale + 8, label = 14;
        BufferedImage image = canvas(cols * cell, rows * (cell + label));
        Graphics2D g = image.createGraphics();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int k = 0; k < wrong.size(); k++) {
            int i = wrong.get(k), x0 = (k % cols) * cell + 4, y0 = (k / cols) * (cell + label);
            float[] pixels = images.slice(i, i + 1).toFloatArray();
            for (int p = 0; p < side * side; p++) {
                int v = 255 - Math.round(255 * Math.max(0, Math.min(1, pixels[p])));
                fill(image, x0 + (p % side) * scale, y0 + label + (p / side) * scale, scale, rgb(v, v, v));
            }
            g.setColor(Color.BLACK);
            g.drawString(labels[i] + "\u2192" + predictions[i], x0, y0 + 11);
        }
        g.dispose();
        write(image, file);
    }

    private static BufferedImage canvas(int width, int height) {
        BufferedImage image = new BufferedImage(Math.max(width, 1), Math.max(height, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        return image;
    }

    private static int rgb(int red, int green, int blue) {
        return red << 16 | green << 8 | blue;
    }

    /** A square of {@code size} pixels written straight into the image's array (a {@link #canvas}'s); a million pixels through setRGB took 66 ms. */
    private static void fill(BufferedImage image, int x, int y, int size, int rgb) {
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int dy = 0; dy < size; dy++) {
            int start = (y + dy) * image.getWidth() + x;
            Arrays.fill(pixels, start, start + size, rgb);
        }
    }

    private static void save(Chart<?, ?> chart, Path file) throws IOException {
        write(BitmapEncoder.getBufferedImage(chart), file);
    }

    private static void write(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
    }
}
