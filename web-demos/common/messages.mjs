// The page's messages: at most one per topic ('camera', 'model', ...), so a
// new message about the camera replaces the previous one. Errors are
// announced at once to screen readers (role="alert"), the rest politely.
export class Messages {
  #container;
  #byTopic = new Map();

  constructor(container) {
    this.#container = container;
  }

  /** kind: 'info' | 'warning' | 'error'. */
  show(topic, kind, text) {
    let element = this.#byTopic.get(topic);
    if (!element) {
      element = document.createElement('p');
      this.#byTopic.set(topic, element);
      this.#container.append(element);
    }
    element.className = `message ${kind}`;
    element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    element.dataset.topic = topic;
    element.textContent = text;
  }

  clear(topic) {
    this.#byTopic.get(topic)?.remove();
    this.#byTopic.delete(topic);
  }
}
