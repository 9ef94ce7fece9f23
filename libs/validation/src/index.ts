// Validation rules shared by every resource's contract, and the input checks that come before them.
export { inputShapeProblems, MAX_INPUT_DEPTH } from './input-shape';
export { InputShapePipe } from './input-shape.pipe';
export {
  constraintMessages,
  FastPath,
  validateItems,
  validateSlicedItems,
  ValidateInSlices,
} from './items-in-slices';
export { IsText } from './text.decorator';
export type { TextRules } from './text.rules';
export { textSchema } from './text.schema';
