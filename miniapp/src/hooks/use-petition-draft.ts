import { type MutableRefObject, useCallback, useRef, useState } from 'react'
import type { KeyValueStorage } from '../services/storage'
import {
  clearPetitionDraft,
  emptyPetitionDraft,
  isPetitionDraftEmpty,
  loadPetitionDraft,
  type PetitionDraft,
  savePetitionDraft,
} from '../utils/petition-draft'
import { useMountedRef } from './use-mounted-ref'

export interface PetitionDraftStore {
  draft: PetitionDraft
  /** The latest draft, for callbacks fired from stale closures (an upload finishing, a second tap). */
  latest: MutableRefObject<PetitionDraft>
  /** A draft from an earlier visit is on screen and the person has not moved on from it yet. */
  isRestored: boolean
  /** Takes `next` as the draft and writes it to the device at once: the app may be killed the moment after. */
  save(next: PetitionDraft): void
  /** Once the person moves on, the "restored" notice has done its job. */
  dismissRestored(): void
  /** Forgets the draft on the device and starts an empty one, with a new Idempotency-Key. */
  startOver(): void
}

/** The petition being written (草稿), kept on the device so that nothing typed is lost to a closed app. */
export function usePetitionDraft({
  userId,
  storage,
}: {
  userId: string
  storage?: KeyValueStorage
}): PetitionDraftStore {
  const [initial] = useState(() => {
    const restored = loadPetitionDraft(userId, Date.now(), storage)
    return { draft: restored ?? emptyPetitionDraft(userId), isRestored: restored !== null }
  })
  const [draft, setDraft] = useState<PetitionDraft>(initial.draft)
  const [isRestored, setRestored] = useState(initial.isRestored)
  const latest = useRef(draft)
  const isMounted = useMountedRef()

  const save = useCallback(
    (next: PetitionDraft) => {
      const stamped = { ...next, savedAt: Date.now() }
      latest.current = stamped
      setDraft(stamped)
      savePetitionDraft(stamped, storage)
    },
    [storage],
  )

  const dismissRestored = useCallback(() => setRestored(false), [])

  const startOver = useCallback(() => {
    clearPetitionDraft(storage)
    const fresh = emptyPetitionDraft(userId)
    latest.current = fresh
    if (isMounted.current) {
      setDraft(fresh)
      setRestored(false)
    }
  }, [storage, userId, isMounted])

  return {
    draft,
    latest,
    isRestored: isRestored && !isPetitionDraftEmpty(draft),
    save,
    dismissRestored,
    startOver,
  }
}
