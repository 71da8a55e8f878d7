package dev.scratchnet.kernel;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Broadcast runs agree with a plain index computation on random shapes. */
class BroadcastPlanTest {
    record Case(int[] out, int[] a, int[] b) {
    }

    @Provide
    Arbitrary<Case> shapes() {
        Arbitrary<int[]> dims = Arbitraries.integers().between(0, 4).array(int[].class).ofMinSize(0).ofMaxSize(4);
        Arbitrary<Long> masks = Arbitraries.longs().between(0, 255);
        return Combinators.combine(dims, masks, masks, Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 4))
                .as((out, ma, mb, dropA, dropB) -> new Case(out, derive(out, ma, dropA), derive(out, mb, dropB)));
    }

    /** An operand shape that broadcasts to {@code out}: some leading axes dropped, some axes set to 1. */
    private static int[] derive(int[] out, long mask, int drop) {
        int lead = Math.min(drop, out.length);
        int[] d = new int[out.length - lead];
        for (int i = 0; i < d.length; i++) {
            d[i] = (mask >> i & 1) == 1 ? 1 : out[i + lead];
        }
        return d;
    }

    @Property(tries = 300)
    void runsVisitEveryElementWithTheRightOperands(@ForAll("shapes") Case c) {
        int n = 1;
        for (int d : c.out()) {
            n *= d;
        }
        double[] a = iota(size(c.a())), b = iota(size(c.b()));
        double[] got = new double[n];
        Elementwise.zip(BroadcastPlan.of(c.out(), c.a(), c.b(), c.out()), a, 0, b, 0, got, (x, y) -> 1000 * x + y);
        double[] expected = new double[n];
        int[] index = new int[c.out().length];
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            for (int i = c.out().length - 1; i >= 0; i--) {
                index[i] = rem % c.out()[i];
                rem /= c.out()[i];
            }
            expected[flat] = 1000 * a[offset(index, c.a())] + b[offset(index, c.b())];
        }
        assertArrayEquals(expected, got);
    }

    @Property(tries = 200)
    void aCursorStartsAtAnyRunWhereAFreshOneGetsToIt(@ForAll("shapes") Case c) {
        BroadcastPlan plan = BroadcastPlan.of(c.out(), c.a(), c.b(), c.out());
        java.util.List<int[]> fromStart = new java.util.ArrayList<>();
        for (BroadcastPlan.Cursor cursor = plan.cursor(); cursor.next(); ) {
            fromStart.add(new int[] {cursor.offset(0), cursor.offset(1), cursor.offset(2)});
        }
        org.junit.jupiter.api.Assertions.assertEquals(fromStart.size(), plan.runs());
        for (int run = 0; run < plan.runs(); run++) {
            BroadcastPlan.Cursor cursor = plan.cursor(run);
            org.junit.jupiter.api.Assertions.assertTrue(cursor.next());
            assertArrayEquals(fromStart.get(run), new int[] {cursor.offset(0), cursor.offset(1), cursor.offset(2)}, "run " + run);
        }
    }

    private static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    private static double[] iota(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static int offset(int[] index, int[] dims) {
        int lead = index.length - dims.length, off = 0;
        for (int i = 0; i < dims.length; i++) {
            off = off * dims[i] + (dims[i] == 1 ? 0 : index[i + lead]);
        }
        return off;
    }
}
