// Validation rules shared by every resource's contract, and the input checks that come before them.
export { inputShapeProblems, MAX_INPUT_DEPTH } from './input-shape';
export { InputShapePipe } from './input-shape.pipe';
export { constraintMessages, validateItems, validateSlicedItems, ValidateInSlices } from './items-in-slices';
export { IsText } from './text.decorator';
export type { TextRules } from './text.decorator';
