import type { ReceptionMode, UnitKind } from '@xinfang/shared'

/**
 * 江城市, the fictional city of demo mode: enough of a government to walk every journey — the petition bureau,
 * four departments, the discipline commission that takes reports against officials, a district and two streets.
 */
export const DEMO_UNITS: { code: string; name: string; shortName: string; kind: UnitKind; parent: string | null }[] = [
  { code: 'city-gov', name: '江城市人民政府', shortName: '市政府', kind: 'government', parent: null },
  { code: 'city-xfj', name: '江城市信访局', shortName: '市信访局', kind: 'petition_bureau', parent: 'city-gov' },
  { code: 'city-rsj', name: '江城市人力资源和社会保障局', shortName: '人社局', kind: 'department', parent: 'city-gov' },
  { code: 'city-zjj', name: '江城市住房和城乡建设局', shortName: '住建局', kind: 'department', parent: 'city-gov' },
  {
    code: 'city-zrzyj',
    name: '江城市自然资源和规划局',
    shortName: '自然资源局',
    kind: 'department',
    parent: 'city-gov',
  },
  { code: 'city-sthjj', name: '江城市生态环境局', shortName: '生态环境局', kind: 'department', parent: 'city-gov' },
  {
    code: 'city-jw',
    name: '中共江城市纪律检查委员会 江城市监察委员会',
    shortName: '市纪委监委',
    kind: 'discipline',
    parent: null,
  },
  { code: 'dh-gov', name: '江城市东湖区人民政府', shortName: '东湖区政府', kind: 'district', parent: 'city-gov' },
  { code: 'dh-hubin', name: '东湖区湖滨街道办事处', shortName: '湖滨街道', kind: 'street', parent: 'dh-gov' },
  { code: 'dh-xinqiao', name: '东湖区新桥街道办事处', shortName: '新桥街道', kind: 'street', parent: 'dh-gov' },
]

/** Subject-matter categories (信访事项分类), each with the unit usually competent for it. */
export const DEMO_CATEGORIES: { code: string; name: string; description: string; unit: string }[] = [
  { code: 'labor', name: '劳动和社会保障', description: '拖欠工资、社会保险、就业创业、劳动关系', unit: 'city-rsj' },
  {
    code: 'housing',
    name: '城乡建设与住房',
    description: '物业管理、房屋质量、征收安置、老旧小区改造',
    unit: 'city-zjj',
  },
  { code: 'land', name: '自然资源与规划', description: '土地征收、规划许可、不动产登记', unit: 'city-zrzyj' },
  { code: 'environment', name: '生态环境', description: '噪声扰民、废气废水、固体废物、环境执法', unit: 'city-sthjj' },
  { code: 'community', name: '基层治理与社区服务', description: '社区事务、邻里纠纷、公共设施维护', unit: 'dh-gov' },
  { code: 'discipline', name: '纪检监察', description: '反映公职人员违纪违法、工作作风问题', unit: 'city-jw' },
  { code: 'other', name: '其他', description: '以上分类都不适用的事项，由信访局登记后转送', unit: 'city-xfj' },
]

export const DEMO_STAFF_PASSWORD = 'xinfang-demo'

/** The demo accounts of ../shared/API.md; they exist only in demo mode. */
export const DEMO_STAFF: {
  username: string
  displayName: string
  role: 'intake' | 'handler' | 'supervisor' | 'leader' | 'admin'
  unit: string
}[] = [
  { username: 'demo-intake', displayName: '周晓梅（窗口登记）', role: 'intake', unit: 'city-xfj' },
  { username: 'demo-handler', displayName: '吴志刚（承办）', role: 'handler', unit: 'city-rsj' },
  { username: 'demo-supervisor', displayName: '郑红（督办）', role: 'supervisor', unit: 'city-xfj' },
  { username: 'demo-leader', displayName: '李明华（副市长）', role: 'leader', unit: 'city-gov' },
  { username: 'demo-admin', displayName: '系统管理员', role: 'admin', unit: 'city-xfj' },
]

export const DEMO_LEADERS: { code: string; name: string; title: string; unit: string }[] = [
  { code: 'li-minghua', name: '李明华', title: '副市长', unit: 'city-gov' },
  { code: 'chen-weidong', name: '陈卫东', title: '市信访局局长', unit: 'city-xfj' },
  { code: 'zhao-xiuying', name: '赵秀英', title: '市人力资源和社会保障局局长', unit: 'city-rsj' },
  { code: 'sun-li', name: '孙丽', title: '市住房和城乡建设局副局长', unit: 'city-zjj' },
  { code: 'liu-guoqiang', name: '刘国强', title: '东湖区区长', unit: 'dh-gov' },
]

export interface DemoSessionPlan {
  leader: string
  /** Half-day of the session: morning 09:00–11:30 or afternoon 14:30–17:00, in five 30-minute slots. */
  half: 'am' | 'pm'
  mode: ReceptionMode
  place: string | null
  topics: string[]
  seatsPerSlot: number
  requiresConfirmation: boolean
}

/** A fortnightly rota by weekday (1 = Monday … 5 = Friday); weekends have no sessions. */
export const DEMO_ROTA: Record<number, DemoSessionPlan[]> = {
  1: [
    {
      leader: 'chen-weidong',
      half: 'am',
      mode: 'in_person',
      place: '江城市人民来访接待中心一楼接待室（人民路 88 号）',
      topics: ['信访事项办理进度', '重复信访化解'],
      seatsPerSlot: 8,
      requiresConfirmation: false,
    },
  ],
  2: [
    {
      leader: 'zhao-xiuying',
      half: 'am',
      mode: 'in_person',
      place: '江城市人力资源和社会保障局三楼会议室（建设大道 12 号）',
      topics: ['拖欠农民工工资', '社会保险', '劳动争议'],
      seatsPerSlot: 6,
      requiresConfirmation: false,
    },
  ],
  3: [
    {
      leader: 'li-minghua',
      half: 'pm',
      mode: 'in_person',
      place: '江城市人民来访接待中心二楼领导接待室（人民路 88 号）',
      topics: ['征地拆迁', '重大民生诉求', '疑难信访事项'],
      seatsPerSlot: 6,
      requiresConfirmation: true,
    },
  ],
  4: [
    {
      leader: 'sun-li',
      half: 'am',
      mode: 'video',
      place: null,
      topics: ['物业管理', '老旧小区改造', '房屋质量'],
      seatsPerSlot: 8,
      requiresConfirmation: false,
    },
  ],
  5: [
    {
      leader: 'liu-guoqiang',
      half: 'am',
      mode: 'in_person',
      place: '东湖区人民来访接待中心（湖滨路 6 号）',
      topics: ['社区治理', '环境噪声', '邻里纠纷'],
      seatsPerSlot: 8,
      requiresConfirmation: false,
    },
  ],
}

/** Booking opens this many days before a session starts and closes this many hours before. */
export const DEMO_BOOKING_OPENS_DAYS = 7
export const DEMO_BOOKING_CLOSES_HOURS = 24
export const DEMO_HORIZON_DAYS = 14
