import { z } from 'zod'
import { IdSchema, pageOf } from './common'

/**
 * The four kinds of petition (信访事项) of 信访工作条例 Art. 17–19 and 29–31. The kind decides the procedure:
 * only a complaint has deadlines, a reply and review; a report (检举控告) is confidential towards the accused.
 */
export const PETITION_KINDS = ['complaint', 'suggestion', 'report', 'inquiry'] as const
export const PetitionKindSchema = z.enum(PETITION_KINDS)
export type PetitionKind = z.infer<typeof PetitionKindSchema>

export const PETITION_KIND_LABELS: Record<PetitionKind, string> = {
  complaint: '投诉请求',
  suggestion: '建议意见',
  report: '检举控告',
  inquiry: '咨询',
}

/** `petition_bureau`: the 信访部门 that registers and routes petitions (Art. 22); `discipline`: 纪检监察, which takes reports. */
export const UNIT_KINDS = ['government', 'petition_bureau', 'department', 'district', 'street', 'discipline'] as const
export const UnitKindSchema = z.enum(UNIT_KINDS)
export type UnitKind = z.infer<typeof UnitKindSchema>

/** A government body that receives, handles or supervises petitions (单位). */
export const UnitSchema = z.object({
  id: IdSchema,
  code: z.string(),
  name: z.string(),
  shortName: z.string(),
  kind: UnitKindSchema,
  /** The unit above, to which 复查 goes (Art. 35); null for the city government. */
  parentId: IdSchema.nullable(),
})
export type Unit = z.infer<typeof UnitSchema>
export const UnitListSchema = pageOf(UnitSchema)

/** The subject matter of a petition (信访事项分类), which suggests the competent unit. */
export const CategorySchema = z.object({
  id: IdSchema,
  code: z.string(),
  name: z.string(),
  description: z.string(),
  defaultUnitId: IdSchema.nullable(),
})
export type Category = z.infer<typeof CategorySchema>
export const CategoryListSchema = pageOf(CategorySchema)
