// ml-isolation-forest 0.1.0 ships no type declarations; this is its public surface.
declare module 'ml-isolation-forest' {
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    /** Grows every tree on all of `trainingSet` (draws from Math.random). */
    train(trainingSet: number[][]): void;
    /** Anomaly scores in (0, 1), one per row. */
    predict(data: number[][]): number[];
  }
}
