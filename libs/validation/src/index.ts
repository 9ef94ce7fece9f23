// Validation rules shared by every resource's contract.
export { IsText } from './text.decorator';
export type { TextRules } from './text.decorator';
