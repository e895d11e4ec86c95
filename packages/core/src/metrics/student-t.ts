/**
 * Student's t cumulative distribution P[T <= t] for an integer number of degrees of freedom `df`
 * >= 1, by the finite series of Abramowitz & Stegun 26.7.3 (odd df) and 26.7.4 (even df), with
 * θ = atan(t/√df):
 *   A(t|df) = P[|T| < |t|] = (2/π)(θ + sin θ (cos θ + (2/3)cos³θ + ... + (2·4···(df−3))/(1·3···(df−2)) cos^(df−2) θ))  (odd)
 *   A(t|df) = sin θ (1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + ... + (1·3···(df−3))/(2·4···(df−2)) cos^(df−2) θ)        (even)
 * and P[T <= t] = (1 + sign(t)·A)/2. The jackknife's p-values (t with G − 1 degrees of freedom)
 * need it; stats/normal.ts has the quantile. Absolute error ~1e-16 (a far tail below ~1e-12 loses
 * relative precision to the subtraction 1 − A, which no p-value a gate compares with notices).
 */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`studentTCdf: degrees of freedom must be a positive integer, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const sin = Math.sin(theta);
  const cos2 = Math.cos(theta) ** 2;
  let a: number;
  if (df % 2 === 1) {
    // the series in cos θ, cos³θ, ...: term_{j+1} = term_j · cos²θ · (j+1)/(j+2) for j = 1, 3, ...
    let sum = 0;
    if (df > 1) {
      let term = Math.cos(theta);
      sum = term;
      for (let j = 1; j + 2 <= df - 2; j += 2) {
        term *= (cos2 * (j + 1)) / (j + 2);
        sum += term;
      }
    }
    a = (2 / Math.PI) * (theta + sin * sum);
  } else {
    // 1 + (1/2)cos²θ + ...: term_{j+2} = term_j · cos²θ · (j+1)/(j+2) for j = 0, 2, ...
    let term = 1;
    let sum = 1;
    for (let j = 0; j + 2 <= df - 2; j += 2) {
      term *= (cos2 * (j + 1)) / (j + 2);
      sum += term;
    }
    a = sin * sum;
  }
  return t >= 0 ? 0.5 + a / 2 : 0.5 - a / 2;
}
