// The signed-in person's DeviceFiles, provided by the conferencing layout through Svelte context (one per sign-in).
import { getContext, setContext } from 'svelte';
import type { DeviceFiles } from './device-files.svelte';

const KEY = Symbol('device-files');

export const provideDeviceFiles = (files: DeviceFiles) => setContext(KEY, files);
export const useDeviceFiles = () => getContext<DeviceFiles | undefined>(KEY);
