import Taro from '@tarojs/taro'

/** A file the person picked, still on the device: what `uploadAttachment` sends. */
export interface ChosenFile {
  filePath: string
  /** Sent with the upload and shown in the list; the API identifies the type by content, never by the name. */
  name: string
  size: number
}

export type FileSource = 'images' | 'documents'

/** Opens the platform's picker; resolves with nothing when the person cancels. */
export type ChooseFiles = (source: FileSource, max: number) => Promise<ChosenFile[]>

const IS_WEAPP = process.env.TARO_ENV === 'weapp'

/** Documents come from WeChat chats (`chooseMessageFile`), which has no counterpart in a browser. */
export const CAN_CHOOSE_DOCUMENTS = IS_WEAPP

export const chooseFilesOnThisPlatform: ChooseFiles = async (source, max) => {
  try {
    if (source === 'documents') {
      const result = await Taro.chooseMessageFile({
        count: max,
        type: 'file',
        extension: ['pdf', 'jpg', 'jpeg', 'png'],
      })
      return result.tempFiles.map((file) => ({ filePath: file.path, name: file.name, size: file.size }))
    }
    const result = await Taro.chooseImage({
      count: max,
      sizeType: ['original', 'compressed'],
      // In a browser the file input offers the camera itself; Taro would otherwise put its own menu in front.
      sourceType: IS_WEAPP ? ['album', 'camera'] : ['album'],
    })
    return result.tempFiles.map((file) => ({
      filePath: file.path,
      name: file.originalFileObj?.name ?? baseName(file.path),
      size: file.size,
    }))
  } catch (error) {
    if (isCancel(error)) return []
    throw error
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}

function isCancel(error: unknown): boolean {
  const message =
    typeof error === 'object' && error !== null && 'errMsg' in error && typeof error.errMsg === 'string'
      ? error.errMsg
      : String(error)
  return /cancel/i.test(message)
}
