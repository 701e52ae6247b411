// The one error type of the package: every failure is a GardenError with a `code`.
export class GardenError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'GardenError';
    this.code = code;
  }
}

/** Errors thrown by the wasm module (plain Errors with a code) become GardenErrors. */
export function asGardenError(error) {
  if (error instanceof GardenError) return error;
  if (error && typeof error.code === 'string' && error.name === 'GardenError') {
    return new GardenError(error.code, error.message);
  }
  if (error instanceof WebAssembly.RuntimeError) return new GardenError('INTERNAL', `wasm trap: ${error.message}`);
  return error;
}

/** Rejects options this call does not know: a typo must not pass silently. */
export function checkKeys(options, known, what) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new GardenError('INVALID_ARGUMENT', `${what} options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new GardenError('INVALID_ARGUMENT', `unknown ${what} option '${key}' (known: ${known.join(', ')})`);
    }
  }
  return options;
}
