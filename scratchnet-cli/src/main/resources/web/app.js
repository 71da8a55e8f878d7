// The draw-a-digit page: strokes on the pad are sent as a PNG (debounced) to /api/predict, whose answer fills the bars,
// the winner and the 28x28 picture the network saw.
const pad = document.getElementById('pad');
const ink = pad.getContext('2d');
const seen = document.getElementById('seen').getContext('2d');
const bars = document.getElementById('bars');
const digit = document.getElementById('digit');
const message = document.getElementById('message');
let drawing = false;
let pending = null;
let requests = 0;

function blank() {
  ink.fillStyle = '#fff';
  ink.fillRect(0, 0, pad.width, pad.height);
  ink.strokeStyle = '#000';
  ink.lineWidth = 18;
  ink.lineCap = 'round';
  ink.lineJoin = 'round';
}

function at(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
}

pad.addEventListener('pointerdown', event => {
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  const [x, y] = at(event);
  ink.beginPath();
  ink.moveTo(x, y);
  ink.lineTo(x + 0.1, y + 0.1);
  ink.stroke();
});
pad.addEventListener('pointermove', event => {
  if (!drawing) return;
  const [x, y] = at(event);
  ink.lineTo(x, y);
  ink.stroke();
  soon();
});
for (const end of ['pointerup', 'pointercancel']) {
  pad.addEventListener(end, () => {
    drawing = false;
    soon();
  });
}

function soon() {
  clearTimeout(pending);
  pending = setTimeout(() => pad.toBlob(send, 'image/png'), 150);
}

async function send(blob) {
  const id = ++requests;
  try {
    const response = await fetch('/api/predict', { method: 'POST', headers: { 'Content-Type': blob.type }, body: blob });
    const answer = await response.json();
    if (id !== requests) return;
    if (!response.ok) {
      message.textContent = answer.error;
      return;
    }
    message.textContent = '';
    show(answer);
  } catch (e) {
    message.textContent = 'the server did not answer: ' + e;
  }
}

function show(answer) {
  digit.textContent = answer.digit;
  digit.dataset.requests = requests;
  bars.textContent = '';
  answer.probabilities.forEach((p, c) => {
    const label = document.createElement('span');
    label.textContent = c;
    const bar = document.createElement('div');
    bar.className = 'bar' + (c === answer.digit ? ' winner' : '');
    bar.style.width = (100 * p).toFixed(1) + '%';
    const value = document.createElement('span');
    value.textContent = p.toFixed(3);
    bars.append(label, bar, value);
  });
  const image = seen.createImageData(28, 28);
  answer.input.forEach((v, i) => {
    const g = Math.round(255 * v);
    image.data.set([g, g, g, 255], 4 * i);
  });
  const small = document.createElement('canvas');
  small.width = small.height = 28;
  small.getContext('2d').putImageData(image, 0, 0);
  seen.imageSmoothingEnabled = false;
  seen.drawImage(small, 0, 0, 112, 112);
}

function upload(file) {
  if (!file) return;
  file.arrayBuffer().then(bytes => send(new Blob([bytes], { type: file.type || 'image/png' })));
}

document.getElementById('clear').addEventListener('click', () => {
  blank();
  digit.textContent = '?';
  bars.textContent = '';
  message.textContent = '';
  seen.clearRect(0, 0, 112, 112);
});
document.getElementById('upload').addEventListener('change', event => upload(event.target.files[0]));
pad.addEventListener('dragover', event => event.preventDefault());
pad.addEventListener('drop', event => {
  event.preventDefault();
  upload(event.dataTransfer.files[0]);
});

fetch('/api/model').then(r => r.json()).then(model => {
  const list = document.getElementById('model');
  for (const [key, value] of Object.entries(model)) {
    const dt = document.createElement('dt');
    dt.textContent = key;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }
});

blank();
