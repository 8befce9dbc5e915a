import { Text, View } from '@tarojs/components'
import type { Category, Unit } from '@xinfang/shared'
import type { PetitionFormModel } from '../../../../hooks/use-petition-form'
import { ChoiceCard } from '../../components/choice-card'
import { Confidentiality, FieldError } from './form-parts'

/** 第 2 步: the category, and for a report (检举控告) the unit it is about. */
export function CategoryStep({
  form,
  categories,
  units,
}: {
  form: PetitionFormModel
  categories: Category[]
  units: Unit[]
}) {
  return (
    <View>
      <Text className="submit__intro">您反映的事情属于哪一类？不确定时请选“其他”，信访部门会帮您转给负责的单位。</Text>
      {categories.map((category) => (
        <ChoiceCard
          key={category.id}
          id={`category-${category.code}`}
          title={category.name}
          description={category.description}
          isSelected={form.values.categoryId === category.id}
          onChoose={() => form.chooseCategory(category.id)}
        />
      ))}
      <FieldError id="categoryId-error" message={form.errors.categoryId} />

      {form.values.kind === 'report' && (
        <View className="submit__section" id="target-unit">
          <Text className="submit__section-title">被反映的单位</Text>
          <Text className="submit__intro">您反映的人员或问题属于哪个单位？</Text>
          <Confidentiality />
          {units.map((unit) => (
            <ChoiceCard
              key={unit.id}
              id={`unit-${unit.code}`}
              title={unit.name}
              isSelected={form.values.targetUnitId === unit.id}
              onChoose={() => form.chooseTargetUnit(unit.id)}
            />
          ))}
          <ChoiceCard
            id="unit-unknown"
            title="不清楚是哪个单位"
            description="信访部门会根据您写的内容确定"
            isSelected={form.values.isTargetUnitUnknown}
            onChoose={() => form.chooseTargetUnit(null)}
          />
          <FieldError id="targetUnitId-error" message={form.errors.targetUnitId} />
        </View>
      )}
    </View>
  )
}
