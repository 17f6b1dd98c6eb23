/** Fully connected geometry. x:(N,IN) w:(OUT,IN) b:(OUT) -> y:(N,OUT). */
import { requireRank, ShapeError } from './shape-error.js';
import { formatShape, sizeOf, type Shape } from './shape.js';

/** x:(N,IN) w:(OUT,IN) -> y:(N,OUT) */
export interface LinearGeometry {
  N: number;
  IN: number;
  OUT: number;
}

/** An input (..., IN) seen as (N, IN), N the product of the leading axes `lead`. */
export interface LinearInput {
  lead: number[];
  N: number;
  IN: number;
}

/** Splits an input (..., IN) into its leading axes and IN; the linear op and layer both call it. */
export function linearInput(xShape: Shape): LinearInput {
  if (xShape.length < 1) {
    throw new ShapeError(
      `linear: input must have at least 1 dimension (..., IN), got shape ${formatShape(xShape)}`,
    );
  }
  const lead = xShape.slice(0, -1);
  return { lead, N: sizeOf(lead), IN: xShape[xShape.length - 1] };
}

/** Geometry of a fully connected layer. x:(N,IN) w:(OUT,IN) b:(OUT) -> y:(N,OUT). */
export function linearGeometry(
  xShape: Shape,
  wShape: Shape,
  biasLength: number | null = null,
): LinearGeometry {
  const op = 'linear';
  requireRank(xShape, 2, 'input', op, '(N,IN)');
  requireRank(wShape, 2, 'weight', op, '(OUT,IN)');
  const [N, IN] = xShape;
  const [OUT, WIN] = wShape;
  if (IN !== WIN) {
    throw new ShapeError(
      `${op}: input has ${IN} features, weight ${formatShape(wShape)} expects ${WIN}`,
    );
  }
  if (biasLength !== null && biasLength !== OUT) {
    throw new ShapeError(`${op}: bias has length ${biasLength}, but the layer has ${OUT} outputs`);
  }
  return { N, IN, OUT };
}
