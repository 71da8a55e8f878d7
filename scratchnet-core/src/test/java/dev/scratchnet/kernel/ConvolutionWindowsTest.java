package dev.scratchnet.kernel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The float32 convolution's block of windows holds what the index map of {@link Im2Col} gathers: for short and long
 * window rows, pads that crop or that leave whole windows outside the image, and any run of windows.
 */
class ConvolutionWindowsTest {
    @Property(tries = 300)
    void aBlockOfWindowsIsWhatTheIndexMapGathers(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 7) int h,
                                                @ForAll @IntRange(min = 1, max = 7) int w, @ForAll @IntRange(min = 1, max = 6) int c,
                                                @ForAll @IntRange(min = 1, max = 5) int kh, @ForAll @IntRange(min = 1, max = 5) int kw,
                                                @ForAll @IntRange(min = -2, max = 5) int padTop, @ForAll @IntRange(min = -2, max = 5) int padBottom,
                                                @ForAll @IntRange(min = -2, max = 5) int padLeft, @ForAll @IntRange(min = -2, max = 5) int padRight,
                                                @ForAll long seed) {
        int oh = h + padTop + padBottom - kh + 1, ow = w + padLeft + padRight - kw + 1;
        if (oh < 1 || ow < 1) {
            return;
        }
        Convolution.Geometry g = new Convolution.Geometry(n, h, w, c, kh, kw, padTop, padLeft, oh, ow);
        Random random = new Random(seed);
        int offset = 3, k = g.windowSize();
        double[] values = new double[offset + n * h * w * c];
        float[] images = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            images[i] = random.nextInt(100) - 50;
            values[i] = images[i];
        }
        double[] expected = new double[g.windows() * k];
        Im2Col.gather(values, offset, n, h * w * c, Im2Col.indexMap(h, w, c, kh, kw, 1, 1, oh, ow, padTop, padLeft), 0, expected);
        int first = random.nextInt(g.windows()), count = 1 + random.nextInt(g.windows() - first);
        float[] windows = new float[count * k];
        Arrays.fill(windows, Float.NaN);
        Convolution.copyWindows(images, offset, g, first, count, windows);
        for (int i = 0; i < windows.length; i++) {
            assertEquals(expected[first * k + i], windows[i], g + ", windows from " + first + ", value " + i);
        }
    }
}
