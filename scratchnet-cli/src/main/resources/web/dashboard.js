// The training dashboard: Server-Sent Events from /api/training fill the charts as the run goes.
const points = { steps: 0, epochs: 0 };
window.dashboard = points;

function chart(id, title, series) {
  return new Chart(document.getElementById(id), {
    type: 'line',
    data: { datasets: series.map(([label, color, radius]) => ({ label, data: [], borderColor: color, backgroundColor: color,
      pointRadius: radius, borderWidth: 1.5 })) },
    options: { animation: false, responsive: false, parsing: false,
      plugins: { title: { display: true, text: title } },
      scales: { x: { type: 'linear', title: { display: true, text: 'epoch' } } } }
  });
}

const loss = chart('loss', 'Loss', [['train (running mean)', '#3b6ea8', 0], ['test, after each epoch', '#d9822b', 3]]);
const accuracy = chart('accuracy', 'Accuracy', [['train (running mean)', '#3b6ea8', 0], ['test, after each epoch', '#d9822b', 3]]);
const progress = document.getElementById('progress');

// Drawing is what costs: the charts and the progress line are redrawn at most twice a second, whatever the event rate.
// The weight tiles, a picture the server draws, are fetched at most every two seconds, and once more at the end.
let stale = false, status = '', weightsEpoch = 0, weightsShown = 0, weightsAt = -Infinity;
function redraw(last) {
  if (stale) {
    stale = false;
    progress.textContent = status;
    loss.update();
    accuracy.update();
  }
  if (weightsEpoch !== weightsShown && (last || performance.now() - weightsAt >= 2000)) {
    weightsShown = weightsEpoch;
    weightsAt = performance.now();
    document.getElementById('weights').src = '/api/weights.png?epoch=' + weightsEpoch;
  }
}
const redrawing = setInterval(redraw, 500);

const events = new EventSource('/api/training');
events.addEventListener('steps', message => {
  for (const s of JSON.parse(message.data)) {
    const x = s.epoch - 1 + s.step / s.steps;
    loss.data.datasets[0].data.push({ x, y: s.loss });
    accuracy.data.datasets[0].data.push({ x, y: s.accuracy });
    points.steps++;
    status = `epoch ${s.epoch}, step ${s.step} of ${s.steps}`;
  }
  stale = true;
});
events.addEventListener('epoch', message => {
  const e = JSON.parse(message.data);
  loss.data.datasets[1].data.push({ x: e.epoch, y: e.testLoss });
  accuracy.data.datasets[1].data.push({ x: e.epoch, y: e.testAccuracy });
  points.epochs++;
  status = `epoch ${e.epoch}: test accuracy ${e.testAccuracy.toFixed(4)} (${e.seconds.toFixed(2)} s)`;
  stale = true;
  weightsEpoch = e.epoch;
  const table = document.getElementById('confusion');
  table.textContent = '';
  const head = table.insertRow();
  head.insertCell().textContent = 'true \\ predicted';
  e.confusion.forEach((_, c) => head.insertCell().textContent = c);
  e.confusion.forEach((row, c) => {
    const tr = table.insertRow();
    tr.insertCell().textContent = c;
    row.forEach((n, p) => {
      const cell = tr.insertCell();
      cell.textContent = n;
      if (p === c) cell.className = 'right';
    });
  });
});
events.addEventListener('done', message => {
  const d = JSON.parse(message.data);
  const done = document.getElementById('done');
  done.innerHTML = '';
  done.append('Done. ');
  const report = document.createElement('a');
  report.href = d.report;
  report.textContent = 'The run\'s report';
  done.append(report, ` (${d.runFolder}).`);
  if (d.draw) {
    const draw = document.createElement('a');
    draw.id = 'draw';
    draw.href = d.draw;
    draw.textContent = 'Draw a digit for the model just trained';
    done.append(' ', draw, '.');
  }
  clearInterval(redrawing);
  redraw(true);
  events.close();
});
