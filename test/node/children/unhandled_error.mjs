// A script that leaves a GardenError unhandled, as a user's might: its model
// fails to load and nothing catches it. node unhandled_error.mjs PACKAGE_URL MODE:
// MODE `throw` throws the error from a callback (an uncaught exception),
// `rejection` leaves it as a rejected promise.
const [packageUrl, mode] = process.argv.slice(2);
const { createGarden } = await import(packageUrl);
const garden = await createGarden({ threads: 1 });
if (mode === 'throw') {
  garden.loadModel(new Uint8Array([1, 2, 3])).catch((error) => setTimeout(() => { throw error; }));
} else {
  await garden.loadModel(new Uint8Array([1, 2, 3]));
}
