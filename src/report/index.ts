// The report layer: race diagrams, ITF traces, verdict tables.

export { renderRaceDiagram } from './race-diagram.ts';
export { toItf, itfText, decodeItf, readItfHeader, ItfError, type ItfTrace, type ReadTrace } from './itf.ts';
export { verdictMatrix, verdictTable, tlcClosingLines, verdictCell, asExpected, type VerdictRow } from './tables.ts';
export { ascii, wrap, count, LINE_WIDTH } from './text.ts';
