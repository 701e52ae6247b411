// The webcam: a camera picker filled from enumerateDevices, start and stop,
// and a clear message for each way it can fail (no API, no camera, denied,
// busy). The frames themselves are read by the demo's loop (onStart).
const FAILURES = {
  NotAllowedError: 'Camera access was denied. Allow it in the browser’s site settings, or use an image instead.',
  SecurityError: 'Camera access is blocked on this page. Use an image instead.',
  NotFoundError: 'No camera was found. Use an image instead.',
  OverconstrainedError: 'The chosen camera cannot give video. Pick another one.',
  NotReadableError: 'The camera is in use by another program, or failed to start.',
  AbortError: 'The camera failed to start.',
};

export class Camera {
  #video;
  #picker;
  #startButton;
  #stopButton;
  #messages;
  #onStart;
  #stream = null;

  constructor({ video, picker, start, stop, messages, onStart }) {
    this.#video = video;
    this.#picker = picker;
    this.#startButton = start;
    this.#stopButton = stop;
    this.#messages = messages;
    this.#onStart = onStart;
  }

  get running() { return this.#stream !== null; }

  init() {
    this.#stopButton.disabled = true;
    if (!navigator.mediaDevices?.getUserMedia) {
      this.#startButton.disabled = true;
      this.#picker.disabled = true;
      this.#messages.show('camera', 'warning',
        'This browser gives no camera access here (it needs https or localhost). Images still work.');
      return;
    }
    this.#startButton.addEventListener('click', () => this.start());
    this.#stopButton.addEventListener('click', () => this.stop());
    this.#picker.addEventListener('change', () => { if (this.running) this.start(); });
    navigator.mediaDevices.addEventListener?.('devicechange', () => this.#listCameras());
    this.#listCameras();
  }

  /** Fills the picker; labels appear once the user has allowed a camera. */
  async #listCameras() {
    let cameras = [];
    try {
      cameras = (await navigator.mediaDevices.enumerateDevices()).filter(({ kind }) => kind === 'videoinput');
    } catch {
      // Some browsers refuse to list before permission: the default camera still works.
    }
    const chosen = this.#picker.value;
    this.#picker.replaceChildren(new Option('Default camera', ''));
    cameras.forEach(({ deviceId, label }, index) => {
      if (deviceId) this.#picker.add(new Option(label || `Camera ${index + 1}`, deviceId));
    });
    if ([...this.#picker.options].some(({ value }) => value === chosen)) this.#picker.value = chosen;
  }

  async start() {
    this.stop();
    const deviceId = this.#picker.value;
    const video = deviceId
      ? { deviceId: { exact: deviceId } }
      : { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' };
    this.#startButton.disabled = true;
    this.#messages.show('camera', 'info', 'Starting the camera…');
    try {
      this.#stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    } catch (error) {
      this.#startButton.disabled = false;
      this.#messages.show('camera', 'error', FAILURES[error.name] ?? `The camera failed to start: ${error.message}`);
      return;
    }
    this.#video.srcObject = this.#stream;
    try {
      await this.#video.play();
    } catch (error) {
      this.stop();
      this.#messages.show('camera', 'error', `The camera video cannot play: ${error.message}`);
      return;
    }
    const [track] = this.#stream.getVideoTracks();
    track.addEventListener('ended', () => {
      this.stop();
      this.#messages.show('camera', 'warning', 'The camera stopped (unplugged or taken by another program).');
    });
    this.#stopButton.disabled = false;
    this.#messages.show('camera', 'info', `Camera on: ${track.label || 'default camera'}.`);
    this.#listCameras();
    // The loop of this stream ends when it is stopped or replaced.
    const stream = this.#stream;
    this.#onStart(this.#video, () => this.#stream === stream);
  }

  stop() {
    if (!this.#stream) return;
    for (const track of this.#stream.getTracks()) track.stop();
    this.#stream = null;
    this.#video.srcObject = null;
    this.#startButton.disabled = false;
    this.#stopButton.disabled = true;
    this.#messages.clear('camera');
  }
}
