package dev.scratchnet.cli;

import dev.scratchnet.data.IdxFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.scratchnet.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** The tool on ONNX models that PyTorch exported (the ONNX module's test models): eval, predict and fine-tuning. */
class OnnxCliTest {
    private static final Path MODELS = Path.of("../scratchnet-onnx/src/test/resources/onnx");

    @TempDir
    Path dir;

    private static double accuracy(TrainCommandTest.Run r) {
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("Test accuracy: (\\d\\.\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return Double.parseDouble(m.group(1));
    }

    @Test
    @Tag("e2e")
    void pytorchsModelsReachTheAccuracyPyTorchMeasured() throws Exception {
        String reference = Files.readString(MODELS.resolve("reference.json"));
        for (String name : new String[] {"mlp", "cnn", "zoo"}) {
            Matcher m = Pattern.compile("\"" + name + "\": (\\d\\.\\d+)").matcher(reference);
            assertTrue(m.find(), reference);
            double pytorch = Double.parseDouble(m.group(1));
            assertEquals(pytorch, accuracy(run("eval", "--model", MODELS.resolve(name + ".onnx").toString())), 0.00015, name);
        }
    }

    @Test
    @Tag("e2e")
    void anImportedModelIsFineTunedAndSavedAsOnnx() throws Exception {
        Path tuned = dir.resolve("tuned.onnx");
        TrainCommandTest.Run r = run("train", "--init", MODELS.resolve("mlp.onnx").toString(), "--epochs", "1", "--save", tuned.toString(),
                "--out", dir.resolve("run").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        double before = accuracy(run("eval", "--model", MODELS.resolve("mlp.onnx").toString()));
        double after = accuracy(run("eval", "--model", tuned.toString()));
        assertTrue(after > before + 0.01, "one more epoch in scratchnet: " + before + " -> " + after);
    }

    @Test
    void predictReadsPicturesWithAnOnnxModel() {
        TrainCommandTest.Run r = run("predict", "--model", MODELS.resolve("zoo.onnx").toString(), "../docs/digit-7.png", "../docs/digit-3.jpg");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("digit-7.png: 7") && r.out().contains("digit-3.jpg: 3"), r.out());
    }

    @Test
    void onnxFilesAreRefusedWhereTheyCannotServe() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("tiny"), 50, 20, 3);
        String mlp = MODELS.resolve("mlp.onnx").toString();
        TrainCommandTest.Run r = run("train", "--init", mlp, "--save", dir.resolve("m.npz").toString(), "--data", data.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("saved as .onnx"), r.err());
        r = run("train", "--resume", mlp, "--data", data.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no optimizer state"), r.err());
        r = run("train", "--init", mlp, "--data", data.toString(), "--out", dir.resolve("run").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("mlp.onnx") && r.err().contains("784") && r.err().contains("16"), r.err());
        r = run("eval", "--model", mlp, "--data", data.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("mlp.onnx") && r.err().contains("784"), r.err());
    }

    @Test
    void aTrainedModelIsExportedAndEvaluatesAlike() throws Exception {
        Path data = IdxFiles.writeDataset(dir.resolve("tiny"), 300, 100, 4);
        Path model = dir.resolve("m.safetensors"), onnx = dir.resolve("m.onnx");
        assertEquals(0, run("train", "--data", data.toString(), "--epochs", "2", "--hidden", "8", "--save", model.toString(), "--out",
                dir.resolve("run").toString(), "--quiet").code());
        TrainCommandTest.Run exported = run("export", "--model", model.toString(), "--out", onnx.toString());
        assertEquals(0, exported.code(), exported.err());
        assertEquals(accuracy(run("eval", "--model", model.toString(), "--data", data.toString())),
                accuracy(run("eval", "--model", onnx.toString(), "--data", data.toString())));
        TrainCommandTest.Run wrong = run("export", "--model", model.toString(), "--out", dir.resolve("m.npz").toString());
        assertEquals(2, wrong.code(), wrong.err());
    }
}
