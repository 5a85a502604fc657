// Reads no UI state. The report's one stylesheet, for the screen and for print (A4, the case in each page's header
// and the page numbers in its footer through CSS paged-media margin boxes, which Chromium prints since version 131),
// scoped to `.service-report` so the app can show the report without it touching anything else.
export const REPORT_CSS = `
.service-report{--ink:#1b2631;--muted:#5d6d7e;--line:#cfd8df;--warn:#8a3b00;color:var(--ink);background:#fff;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',sans-serif;max-width:60rem;margin:0 auto;padding:1.25rem}
.service-report h1{font-size:1.5rem;margin:.1rem 0 .75rem}
.service-report h2{font-size:1.1rem;margin:1.5rem 0 .5rem;padding-bottom:.2rem;border-bottom:2px solid var(--ink)}
.service-report .kicker{margin:0;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-size:.85rem}
.service-report .facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.25rem 1.5rem;margin:0}
.service-report .facts dt{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.service-report .facts dd{margin:0}
.service-report .people{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:0 1.5rem}
.service-report ul,.service-report ol{margin:0;padding:0;list-style:none}
.service-report .people li,.service-report .whiteboards li{padding:.15rem 0}
.service-report .muted{color:var(--muted)}
.service-report .entry{padding:.4rem 0;border-bottom:1px solid var(--line);break-inside:avoid}
.service-report .entry:has(figure){break-inside:auto}
.service-report .meta{margin:0;font-size:.9rem;break-after:avoid}
.service-report .meta time{color:var(--muted);margin-left:.4rem}
.service-report .text{margin:.15rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.service-report .event{margin:.15rem 0 0;font-style:italic;color:#34495e}
.service-report .deleted{margin:.15rem 0 0;font-style:italic;color:var(--muted)}
.service-report .when{font-size:.8rem;color:var(--muted);white-space:nowrap}
.service-report .mention{font-weight:600;color:#0b5cad}
.service-report .quote{display:block;margin:.2rem 0 .1rem;padding:.1rem .5rem;border-left:3px solid #0b3d5c;background:#eef3f6;color:inherit;text-decoration:none;font-size:.9rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.service-report .quote span{color:var(--muted)}
.service-report .quote.gone{font-style:italic;color:var(--muted)}
.service-report .event:has(+ figure){break-after:avoid}
.service-report figure{margin:.4rem 0;break-inside:avoid}
.service-report figure img{display:block;max-width:100%;max-height:22rem;border:1px solid var(--line);border-radius:4px}
.service-report figure img[style]{aspect-ratio:var(--ratio);width:min(100%,calc(22rem * var(--ratio)));height:auto;max-height:none}
.service-report .board svg{display:block;width:100%;height:auto;max-height:30rem;border:1px solid var(--line);border-radius:4px}
.service-report figcaption{font-size:.85rem;color:var(--muted)}
.service-report table{width:100%;border-collapse:collapse;font-size:.9rem}
.service-report th{text-align:left;border-bottom:1px solid var(--ink);padding:.25rem .4rem .25rem 0}
.service-report td{padding:.25rem .4rem .1rem 0;vertical-align:top;overflow-wrap:anywhere}
.service-report tr.hash td{padding-top:0;border-bottom:1px solid var(--line);font-size:.8rem}
.service-report tbody tr{break-inside:avoid}
.service-report .files td:nth-child(2),.service-report .files td:nth-child(3){white-space:nowrap}
.service-report code{font-family:'DejaVu Sans Mono',ui-monospace,monospace;font-size:.8rem;overflow-wrap:anywhere}
.service-report .missing{color:var(--warn);font-weight:600}
.service-report .missing-note{padding:.5rem .75rem;background:#fff4e5;border-left:4px solid var(--warn);margin:0 0 .5rem}
.service-report .report-foot{margin-top:1.5rem;font-size:.85rem;color:var(--muted)}
.service-report .report-foot p{margin:.2rem 0}
@media (max-width:600px){.service-report{padding:.75rem;font-size:14px}.service-report table,.service-report tbody,.service-report tr,.service-report td{display:block}.service-report thead{display:none}.service-report td{padding:.05rem 0}}
@page{size:A4;margin:18mm 14mm 16mm;@top-left{font:9pt system-ui,'DejaVu Sans',sans-serif;color:#5d6d7e}@bottom-right{font:9pt system-ui,'DejaVu Sans',sans-serif;color:#5d6d7e}}
@media print{.service-report{max-width:none;padding:0;font-size:10.5pt}.service-report h2{break-after:avoid}.service-report .board svg{max-height:110mm}.service-report figure img{max-height:90mm}.service-report figure img[style]{width:min(100%,calc(90mm * var(--ratio)))}}
`;
