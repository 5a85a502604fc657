import { backup } from '/work/wt/backup/bench/backup.ts';
const started = Date.now();
const figures = await backup.run({ quick: process.env.BENCH_QUICK === '1', log: (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${m}`) });
for (const f of figures) console.log(JSON.stringify(f));
