import { Text, View } from '@tarojs/components'
import { PETITION_KIND_LABELS, PETITION_KINDS } from '@xinfang/shared'
import type { PetitionFormModel } from '../../../../hooks/use-petition-form'
import { KIND_DESCRIPTIONS } from '../../../../utils/petition-form'
import { ChoiceCard } from '../../components/choice-card'
import { Confidentiality, FieldError } from './form-parts'

/** 第 1 步: which of the four kinds of petition this is, with an example of each. */
export function KindStep({ form }: { form: PetitionFormModel }) {
  return (
    <View>
      <Text className="submit__intro">请选择最符合您情况的一项。</Text>
      {PETITION_KINDS.map((kind) => (
        <ChoiceCard
          key={kind}
          id={`kind-${kind}`}
          title={PETITION_KIND_LABELS[kind]}
          description={`${KIND_DESCRIPTIONS[kind].summary}。${KIND_DESCRIPTIONS[kind].example}`}
          isSelected={form.values.kind === kind}
          onChoose={() => form.chooseKind(kind)}
        />
      ))}
      <FieldError id="kind-error" message={form.errors.kind} />
      {form.values.kind === 'report' && <Confidentiality />}
    </View>
  )
}
