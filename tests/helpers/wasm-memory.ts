// The size of Automerge's wasm linear memory in this thread. wasm-bindgen keeps its instance private, so every
// WebAssembly instance made after this module loads is noted; import it before anything imports Automerge.
// A wasm memory only grows: its size is the high-water mark of what Automerge's allocator ever needed at once.

/** The part of the WebAssembly global used here (the type checks of tests and benchmarks have no DOM library). */
interface WasmInstance {
	exports: Record<string, unknown>;
}
interface WasmGlobal {
	Instance: new (...args: unknown[]) => WasmInstance;
	Memory: new (...args: never[]) => { buffer: ArrayBuffer };
}

const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
const instances: WasmInstance[] = [];
wasm.Instance = new Proxy(wasm.Instance, {
	construct(target, args: unknown[]) {
		const instance = Reflect.construct(target, args) as WasmInstance;
		instances.push(instance);
		return instance;
	}
});

/** Bytes of linear memory of every wasm instance made since this module loaded (Automerge's, in practice). */
export function wasmMemoryBytes(): number {
	let bytes = 0;
	for (const instance of instances) for (const value of Object.values(instance.exports)) if (value instanceof wasm.Memory) bytes += value.buffer.byteLength;
	return bytes;
}
