import { Button, Text, View } from '@tarojs/components'
import { ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_PETITION_MAX } from '@xinfang/shared'
import type { AttachmentItem, PetitionFormModel } from '../../../../hooks/use-petition-form'
import { CAN_CHOOSE_DOCUMENTS } from '../../../../services/files'
import { formatFileSize } from '../../../../utils/petition-form'
import { FieldError } from './form-parts'

function attachmentStatusText(item: AttachmentItem): string {
  switch (item.status) {
    case 'uploaded':
      return `已上传 · ${formatFileSize(item.size)}`
    case 'uploading':
      return '正在上传…'
    case 'failed':
      return item.message
  }
}

/** 第 4 步: photos and files that show what happened; none is fine. */
export function AttachmentsStep({ form }: { form: PetitionFormModel }) {
  const room = ATTACHMENTS_PER_PETITION_MAX - form.attachments.length
  return (
    <View>
      <Text className="submit__intro">
        可以上传能说明情况的照片或文件，例如合同、收据、现场照片。没有可以不传，直接点“下一步”。
      </Text>
      <Text className="submit__hint" id="attachment-count">
        已添加 {form.attachments.length} 个，最多 {ATTACHMENTS_PER_PETITION_MAX} 个；每个不超过{' '}
        {formatFileSize(ATTACHMENT_MAX_BYTES)}。
      </Text>
      <View id="attachment-list">
        {form.attachments.map((item, index) => (
          <View className="submit__attachment" key={item.key} id={`attachment-${index}`}>
            <Text className="submit__attachment-name">
              {index + 1}. {item.name}
            </Text>
            <Text
              className={`submit__attachment-status ${item.status === 'failed' ? 'submit__attachment-status--failed' : ''}`}
            >
              {attachmentStatusText(item)}
            </Text>
            <View className="submit__attachment-actions">
              {item.status === 'failed' && item.canRetry && (
                <Button
                  className="submit__link"
                  id={`attachment-retry-${index}`}
                  onClick={() => void form.retryUpload(item.key)}
                >
                  重新上传
                </Button>
              )}
              {item.status !== 'uploading' && (
                <Button
                  className="submit__link"
                  id={`attachment-remove-${index}`}
                  onClick={() => form.removeAttachment(item.key)}
                >
                  删除
                </Button>
              )}
            </View>
          </View>
        ))}
      </View>
      {room > 0 && (
        <Button className="submit__secondary" id="attachment-add" onClick={() => void form.addFiles('images')}>
          添加照片
        </Button>
      )}
      {room > 0 && CAN_CHOOSE_DOCUMENTS && (
        <Button className="submit__secondary" id="attachment-add-file" onClick={() => void form.addFiles('documents')}>
          从微信聊天中选择文件（PDF）
        </Button>
      )}
      <FieldError id="attachmentIds-error" message={form.errors.attachmentIds} />
    </View>
  )
}
