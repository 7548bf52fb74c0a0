// The `maxlength` of the fields people type in: what the store accepts (generated from
// `recolte_store::Field::longest`). A text that came longer from another device stays
// editable: the browser only stops it growing, as the store does.
import { LONGEST } from './generated/types'

export function longest(field: keyof typeof LONGEST): string {
  return String(LONGEST[field])
}
