package dev.scratchnet.models;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.io.Checkpoint;
import dev.scratchnet.layers.Dense;
import dev.scratchnet.layers.Layer;
import dev.scratchnet.op.Generator;
import dev.scratchnet.op.Ops;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.op.Variable;
import dev.scratchnet.optim.Adam;
import dev.scratchnet.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Models saved, loaded and asked for predictions, by one thread and by many. */
class ModelTest {
    @TempDir
    Path dir;

    private static Tensor pixels(int n, long seed) {
        return Generator.fromSeed(seed).uniform(new int[] {n, 784}, 0, 255, DType.FLOAT32).cast(DType.UINT8);
    }

    @Test
    void aSavedModelLoadsWithItsSpecAndPredictsTheSame() throws Exception {
        for (Models.Kind kind : Models.Kind.values()) {
            Model model = new Model.Spec(kind, 784, 16, 10, kind == Models.Kind.chapter ? 0 : 0.25).build(7);
            for (String name : List.of("m.safetensors", "m.npz")) {
                Path file = dir.resolve(kind + name);
                model.save(file);
                Model loaded = Model.load(file);
                assertEquals(model.spec(), loaded.spec());
                Tensor x = pixels(5, 1);
                assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), kind + " " + name);
            }
        }
    }

    @Test
    void predictGivesProbabilitiesAndTakesPixelsAsBytesOrAsFloats() {
        Model model = new Model.Spec(Models.Kind.chapter, 784, 32, 10, 0).build(3);
        Tensor bytes = pixels(4, 2);
        Tensor p = model.predict(bytes);
        assertEquals(List.of(4, 10), List.of(p.dim(0), p.dim(1)));
        float[] rows = Ops.sum(p, 1).toFloatArray();
        for (float r : rows) {
            assertEquals(1, r, 1e-5);
        }
        assertArrayEquals(p.toFloatArray(), model.predict(bytes.div(255.0).cast(DType.FLOAT32).reshape(4, 28, 28)).toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(Tensor.zeros(4, 100)));
        assertTrue(e.getMessage().contains("784") && e.getMessage().contains("[4, 100]"), e.getMessage());
    }

    @Test
    void predictionsInPassesOfReusedArraysEqualPassesOfFreshOnes() {
        // Passes of 7 rows, each in a step of arrays the next pass takes again: every pass's outputs copied out first.
        for (Models.Kind kind : Models.Kind.values()) {
            Layer network = new Model.Spec(kind, 784, 16, 10, 0.25).build(5).network();
            Tensor x = Generator.fromSeed(6).uniform(new int[] {30, 784}, 0, 1);
            List<Tensor> passes = new ArrayList<>();
            for (int i = 0; i < 30; i += 7) {
                passes.add(network.apply(x.slice(i, Math.min(30, i + 7)), false));
            }
            assertArrayEquals(Ops.concat(passes, 0).toFloatArray(), Trainer.predict(network, x, 7).toFloatArray(), kind.toString());
        }
        Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor copy = t.copy();
        assertNotSame(t.toFloatArray(), copy.toFloatArray());
        assertEquals(t.shape(), copy.shape());
        assertArrayEquals(t.toFloatArray(), copy.toFloatArray());
    }

    @Test
    void everyNetworkTakesABatchOfNoRows() {
        for (Models.Kind kind : Models.Kind.values()) {
            Layer network = new Model.Spec(kind, 784, 16, 10, 0.25).build(3).network();
            Tensor p = network.apply(Tensor.zeros(0, 784), true);
            assertEquals(List.of(0, 10), List.of(p.dim(0), p.dim(1)), kind.name());
        }
    }

    @Test
    void manyThreadsPredictingOnOneModelGetWhatOneThreadGets() throws Exception {
        Model model = new Model.Spec(Models.Kind.mlp, 784, 64, 10, 0.5).build(11);
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(pixels(1 + 97 * i, i));
            expected.add(model.predict(inputs.get(i)).toFloatArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 25; round++) {
                        int i = (first + round) % inputs.size();
                        if (!java.util.Arrays.equals(expected.get(i), model.predict(inputs.get(i)).toFloatArray())) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(), "a thread's prediction differed from the single-threaded one");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readersKeepWhatTheyReadWhileAnotherThreadTrains() throws Exception {
        Model model = new Model.Spec(Models.Kind.chapter, 784, 32, 10, 0).build(5);
        Tensor x = pixels(256, 9).div(255.0).cast(DType.FLOAT32);
        Tensor y = Generator.fromSeed(4).uniform(new int[] {256}, 0, 10, DType.FLOAT32).cast(DType.INT64);
        Dataset batches = Dataset.fromTensorSlices(x, y).batch(32).repeat(40);
        AtomicBoolean training = new AtomicBoolean(true);
        Thread trainer = new Thread(() -> {
            try {
                Trainer.fit(model.network(), batches, 320, x.slice(0, 10), y.slice(0, 10), new Adam(0.01), 1, 1, e -> { });
            } finally {
                training.set(false);
            }
        });
        trainer.start();
        int checks = 0;
        Tensor probe = pixels(3, 12);
        while (training.get() || checks < 3) {
            Variable w1 = model.variables().get(0);
            Tensor read = w1.value();
            float[] first = read.toFloatArray();
            Model copy = model.copy();
            float[] predicted = copy.predict(probe).toFloatArray();
            Thread.sleep(2);
            assertArrayEquals(first, read.toFloatArray(), "a tensor read from W1 changed while training went on");
            assertArrayEquals(predicted, copy.predict(probe).toFloatArray(), "a copy's predictions changed while training went on");
            checks++;
        }
        trainer.join();
        assertTrue(checks >= 3);
        assertNotEquals(new Model.Spec(Models.Kind.chapter, 784, 32, 10, 0).build(5).predict(probe).toString(), model.predict(probe).toString(),
                "training changed the model");
    }

    @Test
    void aLayerSavesAndLoadsItsWeights() throws Exception {
        Layer dense = new Dense("d", 3, 2, t -> t, Generator.fromSeed(1));
        Path file = dir.resolve("dense.safetensors");
        dense.saveWeights(file);
        Layer other = new Dense("d", 3, 2, t -> t, Generator.fromSeed(2));
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        assertNotEquals(dense.apply(x, false).toString(), other.apply(x, false).toString());
        other.loadWeights(file);
        assertArrayEquals(dense.apply(x, false).toFloatArray(), other.apply(x, false).toFloatArray());

        Layer wider = new Dense("d", 3, 4, t -> t, Generator.fromSeed(2));
        FileFormatException e = assertThrows(FileFormatException.class, () -> wider.loadWeights(file));
        assertTrue(e.getMessage().contains("dense.safetensors") && e.getMessage().contains("d/kernel"), e.getMessage());
    }

    @Test
    void metadataIsCheckedBeforeAnythingIsBuilt() throws Exception {
        Model model = new Model.Spec(Models.Kind.chapter, 784, 8, 10, 0).build(1);
        Checkpoint good = model.toCheckpoint();
        Map<String, String> cases = Map.of("hidden", "1000000", "inputs", "-5", "classes", "2.5", "model", "transformer", "dropout", "1.5");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Map<String, String> meta = new HashMap<>(good.metadata());
            meta.put(c.getKey(), c.getValue());
            Path file = dir.resolve(c.getKey() + ".safetensors");
            new Checkpoint(good.tensors(), meta).save(file);
            FileFormatException e = assertThrows(FileFormatException.class, () -> Model.load(file));
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(c.getKey()), e.getMessage());
        }
    }
}
