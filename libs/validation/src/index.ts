// Validation rules shared by every resource's contract, and the input checks that come before them.
export { inputShapeProblems, MAX_INPUT_DEPTH } from './input-shape';
export { InputShapePipe } from './input-shape.pipe';
export { constraintMessages, FastPath, validateItems } from './items-in-slices';
export { KeptAsSent, toInstance, validateSlicedItems, ValidateInSlices } from './sliced-properties';
export { IsText } from './text.decorator';
export type { TextRules } from './text.rules';
export { textSchema } from './text.schema';
