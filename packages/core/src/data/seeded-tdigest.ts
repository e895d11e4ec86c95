/**
 * The `tdigest` package's TDigest, made reproducible: the same values in the same order give the
 * same digest, run after run.
 *
 * The package's compress() re-inserts the centroids in an order drawn from Math.random (to undo the
 * damage of sorted input), so two runs over the same data gave slightly different quantiles: drift
 * bins, hence PSI, that moved between a run and its re-run. Here compress() draws that order from a
 * xorshift32 generator kept by the digest itself; Math.random is swapped only for the synchronous
 * call and restored after it, whatever happens. Only compress() uses Math.random in the package.
 */
import tdigest from 'tdigest';

export class SeededTDigest extends tdigest.TDigest {
  private state = 0x2545f491;

  override compress(): void {
    const original = Math.random;
    let s = this.state;
    Math.random = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      return s / 0x1_0000_0000;
    };
    try {
      super.compress();
    } finally {
      Math.random = original;
      this.state = s;
    }
  }
}
