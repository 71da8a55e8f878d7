"""Makes the ONNX test models with PyTorch's own exporter, and what PyTorch computes with them.

An MLP (784-128-10, ReLU), the README's CNN (two 3x3 conv + ReLU + 2x2 max-pool blocks of 32 and 64 filters, dropout,
dense 128, dense 10) and a "zoo" of most other operators scratchnet reads (asymmetric padding, a strided convolution,
batch normalisation, leaky ReLU, average and non-square max pooling with pads, concatenation, global average pooling,
squeeze, transpose, tanh, sigmoid, the Shape/Gather/Concat chain around a reshape of a dynamic batch, log-softmax),
each trained briefly on MNIST, exported by torch.onnx.export (opset 13, a symbolic batch dimension, input 'input',
output 'logits'): mlp.onnx and zoo.onnx take [N, 784], cnn.onnx takes [N, 1, 28, 28].
reference.npz holds the first 32 MNIST test images (pixels / 255) and the logits PyTorch computes for them with each
model; reference.json the models' test accuracy on all 10,000 test images as PyTorch measured it.

Run with Debian's packages (apt-get install python3-torch python3-onnx):
  /usr/bin/python3 make_models.py --data ~/.cache/scratchnet/mnist
"""
import argparse, json, os, sys

p = argparse.ArgumentParser()
p.add_argument("--data", required=True, help="folder with the four raw MNIST IDX files")
p.add_argument("--peers", default=os.path.join(os.path.dirname(__file__), "../../../../../../shared/peers"))
a = p.parse_args()
sys.path.insert(0, os.path.abspath(a.peers))
import numpy as np
import torch, torch.nn as nn
import mnist_idx

torch.manual_seed(0)
torch.set_num_threads(2)
(xtr, ytr), (xte, yte) = mnist_idx.load(a.data)
xtr, ytr, xte, yte = map(torch.from_numpy, (xtr, ytr, xte, yte))
here = os.path.dirname(os.path.abspath(__file__))

class Zoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, stride=2, padding=2)
        self.norm = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(16, 8, 3)
        self.fc = nn.Linear(6 * 6 * 8 + 8, 10)

    def forward(self, x):
        f = nn.functional
        x = x.reshape(x.shape[0], 1, 28, 28)
        x = f.pad(x, (1, 2, 0, 1))
        x = self.norm(f.leaky_relu(self.conv1(x), 0.1))
        x = torch.cat([f.avg_pool2d(x, 3, stride=2, padding=1), f.max_pool2d(x, (3, 2), stride=2, padding=(1, 0))], dim=1)
        x = self.conv2(x)
        pooled = torch.sigmoid(f.adaptive_avg_pool2d(x, 1)).squeeze(3).squeeze(2)
        grid = torch.tanh(x).permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return f.log_softmax(self.fc(torch.cat([grid, pooled], dim=1)), dim=1)


models = {
    "mlp": (nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)), lambda x: x, (1, 784)),
    "cnn": (nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.25),
                          nn.Linear(7 * 7 * 64, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10)),
            lambda x: x.view(-1, 1, 28, 28), (1, 1, 28, 28)),
    "zoo": (Zoo(), lambda x: x, (1, 784)),
}
reference = {"images": xte[:32].numpy()}
accuracy = {}
for name, (model, shape, example) in models.items():
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for i in range(0, len(xtr), 64):
        loss = nn.functional.cross_entropy(model(shape(xtr[i:i + 64])), ytr[i:i + 64])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        accuracy[name] = sum((model(shape(xte[j:j + 1000])).argmax(1) == yte[j:j + 1000]).sum().item()
                             for j in range(0, len(xte), 1000)) / len(xte)
        reference[name + "_logits"] = model(shape(xte[:32])).numpy()
    torch.onnx.export(model, torch.zeros(example), os.path.join(here, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    print(f"{name}: test accuracy {accuracy[name]:.4f}", flush=True)
np.savez(os.path.join(here, "reference.npz"), **reference)
with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump({"torch": torch.__version__, "test_accuracy": accuracy}, f, indent=1)
    f.write("\n")
