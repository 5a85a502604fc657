// The size of Automerge's wasm linear memory in this thread. wasm-bindgen keeps its instance private, so every
// WebAssembly instance made after this module loads is noted; import it before anything imports Automerge.
// A wasm memory only grows: its size is the high-water mark of what Automerge's allocator ever needed at once.
const instances: WebAssembly.Instance[] = [];
const Original = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(Original, {
	construct(target, args: ConstructorParameters<typeof WebAssembly.Instance>) {
		const instance = Reflect.construct(target, args) as WebAssembly.Instance;
		instances.push(instance);
		return instance;
	}
});

/** Bytes of linear memory of every wasm instance made since this module loaded (Automerge's, in practice). */
export function wasmMemoryBytes(): number {
	let bytes = 0;
	for (const instance of instances) for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) bytes += value.buffer.byteLength;
	return bytes;
}
