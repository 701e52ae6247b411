// The markup every page shares, written once: the header with the links to
// the demos, and a demo page's controls and stage. A demo page's HTML holds
// only its own parts: its texts (buildDemoPage) and the controls of a
// <template id="display">, shown in a "Display" box between the camera and
// the runtime readouts.
const DEMO_PAGES = [
  { href: 'segment.html', text: 'Segment' },
  { href: 'classify.html', text: 'Classify' },
  { href: 'detect.html', text: 'Detect text' },
];

function headerMarkup(current) {
  const links = DEMO_PAGES.map(({ href, text }) =>
    `        <li><a href="${href}"${href === current ? ' aria-current="page"' : ''}>${text}</a></li>`);
  return `
  <header class="top">
    <h1><a href="./">Model Garden</a></h1>
    <nav aria-label="Demos">
      <ul>
${links.join('\n')}
      </ul>
    </nav>
  </header>`;
}

/** Puts the header first in the page; `current` is the page's own link (marked as such). */
export function insertHeader(current) {
  document.body.insertAdjacentHTML('afterbegin', headerMarkup(current));
}

/** The controls and stage of a demo page; `display` marks where the page's own controls go. */
function demoMarkup({ modelLabel, canvasLabel, resultsLabel }, display) {
  return `
  <main class="layout">
    <section class="controls" aria-label="Controls">
      <fieldset>
        <legend>Model</legend>
        <label>${modelLabel} <select id="model"></select></label>
        <p class="note" id="model-note"></p>
        <label>Or load a model from a URL <input type="url" id="model-url" placeholder="https://…/model.onnx, .tflite or model.json"></label>
        <div class="row"><button type="button" id="load-url">Load from URL</button></div>
        <progress id="progress" hidden aria-label="Model download"></progress>
      </fieldset>
      <fieldset>
        <legend>Image</legend>
        <div class="row" id="samples" aria-label="Sample images"></div>
        <div class="row"><span class="file-button">Upload an image…<input type="file" id="file" accept="image/*" aria-label="Upload an image"></span></div>
        <p class="note">Or drop an image on the stage, or paste one.</p>
      </fieldset>
      <fieldset>
        <legend>Camera</legend>
        <label>Camera <select id="camera"><option value="">Default camera</option></select></label>
        <div class="row">
          <button type="button" class="primary" id="camera-start">Start camera</button>
          <button type="button" id="camera-stop">Stop</button>
        </div>
      </fieldset>${display ? `
      <fieldset id="display-controls">
        <legend>Display</legend>
      </fieldset>` : ''}
      <fieldset>
        <legend>Runtime</legend>
        <dl class="stats">
          <dt>Build</dt><dd id="stat-build">loading…</dd>
          <dt>Threads</dt><dd id="stat-threads">–</dd>
          <dt>Cross-origin isolated</dt><dd id="stat-isolated">–</dd>
          <dt>Model download</dt><dd id="stat-size">–</dd>
          <dt>Model load</dt><dd id="stat-load">–</dd>
          <dt>Latency</dt><dd id="stat-latency">–</dd>
          <dt>Frames per second</dt><dd id="stat-fps">–</dd>
        </dl>
      </fieldset>
      <div class="messages" id="messages"></div>
    </section>
    <section class="stage" aria-label="Result">
      <div class="drop" id="stage" tabindex="-1">
        <p class="hint" id="hint">Pick a sample, upload, drop or paste an image, or start the camera.</p>
        <canvas id="canvas" hidden role="img" aria-label="${canvasLabel}"></canvas>
        <span class="busy" id="busy" hidden>running…</span>
        <video class="source" id="video" muted playsinline></video>
      </div>
      <div class="results" id="results" aria-label="${resultsLabel}"><p class="empty">No result yet.</p></div>
    </section>
  </main>`;
}

/**
 * Builds a demo page around its own controls, from its <body>'s data-page
 * (name.html is the page), data-model-label, data-canvas-label and
 * data-results-label.
 */
export function buildDemoPage() {
  const texts = document.body.dataset;
  const display = document.getElementById('display');
  document.body.insertAdjacentHTML('afterbegin', demoMarkup(texts, display));
  insertHeader(`${texts.page}.html`);
  document.body.insertAdjacentHTML('afterbegin', '\n  <a class="skip-link" href="#stage">Skip to the result</a>');
  if (display) document.getElementById('display-controls').append(display.content.cloneNode(true));
}
