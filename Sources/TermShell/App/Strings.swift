/// The shell's own words, in English and Chinese.
public enum Strings {
    public enum Key: Sendable {
        case appName, signIn, chooseUser, typeUser, typeUserPrompt, home, accounts, recent, signOut, quit
        case hintsLogin, hintsTyping, hintsHome, helpTitle, tooSmall, noTransactions, noAccounts
        case helpLines, services, servicesShort, searchPrompt, badgeGray, badgeNew, downloading, hintsServices,
            hintsSearch
        case offline, syncing, noServices, unreachable, noMatches, current, disconnected, validUntil, expired, dismiss
        case expiredBanner, cacheCleared
        case qaTitle, qaServer, qaCatalog, qaLaunchable, qaInstalled, qaLog, qaNone, qaHints, qaListed, qaGray, qaStable
        case qaHost, qaDevice, qaEvent, qaIssued
        case settings, settingsLanguage, settingsPermissions, settingsNoPermissions, settingsStorage
        case settingsNoStorage, settingsClearCache, settingsSwitchUser, hintsSettings, granted, denied, notAsked,
            enterDenies, enterAllows
        case hintsContainer, consentTitle, allow, deny, consentHints, consentShares, paymentTitle, pinPrompt, payHints,
            ok, cancel
        case payFrom, pinIncomplete, notEnough, paymentsLocked, noAccountToPay, settingsPayments, paymentsActive
        case paymentsLockedNote
        case menuAbout, menuPermissions, menuReload, menuClose, menuFavourite, menuUnfavourite, menuComplaint
        case favourited, unfavourited, aboutTitle, aboutPartner, aboutCategory, aboutVersion, aboutMay, aboutDomains
        case aboutNothing, aboutHints, complaintTitle, complaintReason, complaintDetails, complaintHints
        case complaintSent, complaintQueued, complaintFull, shortcutsTitle
    }

    /// The notice of a service taken down: title and message.
    public static func takenDown(_ service: String, reason: String, _ language: UILanguage) -> (String, String) {
        switch language {
        case .english:
            (
                "\(service) was taken down",
                "\(service) is no longer available: \(reason). Its data on this device was deleted."
            )
        case .chinese:
            ("「\(service)」已下架", "「\(service)」已停止服务（\(reason)）。它在本机上的数据已删除。")
        }
    }

    /// Why a service did not open.
    public static func refused(_ refusal: ShellState.Refusal, _ language: UILanguage) -> String {
        let english: String
        let chinese: String
        switch refusal {
        case .delisted(let reason):
            english = "This service was taken down (\(reason)). Its data on this device was deleted."
            chinese = "该服务已下架（\(reason)），它在本机上的数据已删除。"
        case .expired(let time):
            english =
                "The service list expired at \(time) and could not be refreshed; connect to the network to continue."
            chinese = "服务列表已于 \(time) 过期且无法更新，请连接网络后继续。"
        case .notSynced:
            english = "The service list is being checked; try again in a moment."
            chinese = "正在检查服务列表，请稍后再试。"
        case .notListed:
            english = "This service is not available to you."
            chinese = "您暂时无法使用该服务。"
        case .notInstalled:
            english = "This service is still downloading."
            chinese = "该服务仍在下载中。"
        case .verificationFailed(let detail):
            english = "This service failed its integrity check (\(detail)) and was not opened."
            chinese = "该服务未通过完整性校验（\(detail)），未能打开。"
        case .noServer:
            english = "Not connected to a catalog server (start termshell with --server)."
            chinese = "未连接服务目录服务器（启动时请使用 --server）。"
        }
        return language == .english ? english : chinese
    }

    /// A complaint reason as the form offers it.
    public static func complaintReason(_ reason: ComplaintForm.Reason, _ language: UILanguage) -> String {
        let (english, chinese): (String, String)
        switch reason {
        case .misleading: (english, chinese) = ("Misleading information or prices", "信息或价格误导")
        case .fraud: (english, chinese) = ("Suspected fraud", "疑似欺诈")
        case .privacy: (english, chinese) = ("Asks for too much personal data", "过度索取个人信息")
        case .payment: (english, chinese) = ("A problem with a payment", "付款问题")
        case .broken: (english, chinese) = ("It does not work", "无法正常使用")
        case .other: (english, chinese) = ("Something else", "其他问题")
        }
        return language == .english ? english : chinese
    }

    /// The consent dialog's question: "wants your mobile number".
    public static func consentQuestion(scope: String, _ language: UILanguage) -> String {
        language == .english ? "wants \(Self.scope(scope, language))" : "申请获取\(Self.scope(scope, language))"
    }

    /// The payment dialog's line after a wrong PIN.
    public static func wrongPIN(triesLeft: Int, _ language: UILanguage) -> String {
        language == .english
            ? "Wrong PIN, \(triesLeft) \(triesLeft == 1 ? "try" : "tries") left" : "支付密码错误，还可尝试 \(triesLeft) 次"
    }

    /// A customer's tier on the sign-in list.
    public static func tier(_ name: String, _ language: UILanguage) -> String { word(name, tiers, language) }

    private static let tiers = ["vip": ("VIP", "贵宾"), "standard": ("standard", "普通"), "staff": ("staff", "员工")]

    /// What a permission lets a mini-program have, in words (the manifest's scope names are for developers).
    public static func scope(_ name: String, _ language: UILanguage) -> String { word(name, scopes, language) }

    private static let scopes: [String: (String, String)] = [
        "userInfo": ("your name and picture", "您的昵称和头像"), "phoneNumber": ("your mobile number", "您的手机号码"),
        "location": ("your location", "您的位置"), "payment": ("payments", "支付"),
        "openId": ("a link to your account", "账户关联标识"), "storage": ("storage on this device", "本机存储"),
        "network": ("the network", "网络访问"),
    ]

    /// A size for people: bytes, KB or MB.
    public static func size(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) B" : bytes < 1024 * 1024 ? "\(bytes / 1024) KB" : "\(bytes / (1024 * 1024)) MB"
    }

    /// "3 keys · 2 KB" for a mini-program's storage.
    public static func stored(keys: Int, bytes: Int, _ language: UILanguage) -> String {
        language == .english
            ? "\(keys) key\(keys == 1 ? "" : "s") · \(size(bytes))" : "\(keys) 项 · \(size(bytes))"
    }

    /// "2 packages · 7 KB" for the download cache.
    public static func packages(_ count: Int, bytes: Int, _ language: UILanguage) -> String {
        language == .english
            ? "\(count) package\(count == 1 ? "" : "s") · \(size(bytes))" : "\(count) 个安装包 · \(size(bytes))"
    }

    /// A service-centre category in the shell's language: the usual banking categories are translated; any other
    /// shows as the catalog names it (a partner's own word).
    public static func category(_ name: String, _ language: UILanguage) -> String {
        word(name.lowercased(), categories, language, otherwise: name)
    }

    /// A word from one of the tables below in the language; a word the table lacks shows as given.
    private static func word(
        _ key: String, _ table: [String: (String, String)], _ language: UILanguage, otherwise: String? = nil
    ) -> String {
        guard let (english, chinese) = table[key] else { return otherwise ?? key }
        return language == .english ? english : chinese
    }

    private static let categories: [String: (String, String)] = [
        "insurance": ("Insurance", "保险"), "investment": ("Investment", "理财"), "lifestyle": ("Lifestyle", "生活"),
        "securities": ("Securities", "证券"), "utilities": ("Utilities", "生活缴费"), "payments": ("Payments", "支付"),
        "loans": ("Loans", "贷款"), "cards": ("Cards", "信用卡"), "travel": ("Travel", "出行"),
        "transport": ("Transport", "交通"), "shopping": ("Shopping", "购物"), "health": ("Health", "医疗健康"),
        "education": ("Education", "教育"), "government": ("Government services", "政务"),
        "finance": ("Finance", "金融"),
    ]

    public static func text(_ key: Key, _ language: UILanguage) -> String {
        let (english, chinese): (String, String)
        switch key {
        case .appName: (english, chinese) = ("MiniBank", "迷你银行")
        case .signIn: (english, chinese) = ("Sign in", "登录")
        case .chooseUser: (english, chinese) = ("Choose a demo customer, or type a user id", "选择一位演示客户，或输入用户编号")
        case .typeUser: (english, chinese) = ("Another user id…", "其他用户编号…")
        case .typeUserPrompt: (english, chinese) = ("User id: ", "用户编号：")
        case .home: (english, chinese) = ("Home", "首页")
        case .accounts: (english, chinese) = ("Accounts", "账户")
        case .recent: (english, chinese) = ("Recent transactions", "最近交易")
        case .signOut: (english, chinese) = ("Sign out", "退出登录")
        case .quit: (english, chinese) = ("Quit", "关闭应用")
        case .hintsLogin:
            (english, chinese) = ("↑↓ choose · Enter sign in · ? keys · q quit", "↑↓ 选择 · 回车 登录 · ? 按键 · q 退出")
        case .hintsTyping: (english, chinese) = ("type the id · Enter sign in · Esc cancel", "输入编号 · 回车 登录 · Esc 取消")
        case .hintsHome:
            (english, chinese) = ("←→ move · Enter choose · ? keys · q quit", "←→ 移动 · 回车 选择 · ? 按键 · q 退出")
        case .helpTitle: (english, chinese) = ("Keys", "按键")
        case .helpLines:
            (english, chinese) = (
                "↑ ↓ ← → Tab   move\nEnter         choose, open\nEsc           back, cancel\n/             search services\nF3            a service's ··· menu\nctrl-w        close the service\nF2 or ctrl-d  QA panel\n?             these keys\nq             quit",
                "↑ ↓ ← → Tab   移动\n回车          选择、打开\nEsc           返回、取消\n/             搜索服务\nF3            服务的 ··· 菜单\nctrl-w        关闭服务\nF2 或 ctrl-d  测试面板\n?             按键说明\nq             退出"
            )
        case .tooSmall: (english, chinese) = ("The terminal is too small", "终端窗口太小")
        case .noTransactions: (english, chinese) = ("No transactions yet", "暂无交易")
        case .services: (english, chinese) = ("Service centre", "服务中心")
        case .servicesShort: (english, chinese) = ("Services", "服务")
        case .searchPrompt: (english, chinese) = ("Search: ", "搜索：")
        case .badgeGray: (english, chinese) = ("beta", "内测")
        case .badgeNew: (english, chinese) = ("new", "新")
        case .downloading: (english, chinese) = ("downloading…", "下载中…")
        case .hintsServices:
            (english, chinese) = (
                "↑↓ move · Enter open · / search · Esc back · ? keys", "↑↓ 移动 · 回车 打开 · / 搜索 · Esc 返回 · ? 按键"
            )
        case .hintsSearch: (english, chinese) = ("type to filter · Enter done · Esc clear", "输入以筛选 · 回车 完成 · Esc 清除")
        case .offline:
            (english, chinese) = (
                "offline demo: start termshell with --server to get services", "离线演示：用 --server 启动 termshell 以获取服务"
            )
        case .syncing: (english, chinese) = ("checking the service list…", "正在检查服务列表…")
        case .noServices: (english, chinese) = ("No services for you yet", "暂时没有可用的服务")
        case .unreachable:
            (english, chinese) = ("Cannot reach the service list yet; trying again…", "暂时无法获取服务列表，正在重试…")
        case .noMatches: (english, chinese) = ("Nothing matches the search", "没有匹配的服务")
        case .current: (english, chinese) = ("online", "在线")
        case .disconnected: (english, chinese) = ("offline", "离线")
        case .validUntil: (english, chinese) = ("valid until", "有效期至")
        case .expired: (english, chinese) = ("service list expired", "服务列表已过期")
        case .expiredBanner:
            (english, chinese) = (
                "The service list expired: connect to the network to open services.", "服务列表已过期：请连接网络后再打开服务。"
            )
        case .cacheCleared:
            (english, chinese) = (
                "Downloads deleted; services download again as the service list is checked.", "已删除下载内容；检查服务列表时会重新下载。"
            )
        case .dismiss: (english, chinese) = ("any key to continue", "按任意键继续")
        case .qaTitle: (english, chinese) = ("QA panel", "测试面板")
        case .qaServer: (english, chinese) = ("server", "服务器")
        case .qaCatalog: (english, chinese) = ("catalog", "服务列表")
        case .qaLaunchable: (english, chinese) = ("launchable until", "可启动至")
        case .qaInstalled: (english, chinese) = ("Installed packages", "已安装的包")
        case .qaLog: (english, chinese) = ("Sync log", "同步日志")
        case .qaListed: (english, chinese) = ("This user's services", "该用户的服务")
        case .qaGray: (english, chinese) = ("gray", "灰度")
        case .qaStable: (english, chinese) = ("stable", "正式版")
        case .qaHost: (english, chinese) = ("host", "宿主")
        case .qaDevice: (english, chinese) = ("device", "设备")
        case .qaEvent: (english, chinese) = ("event", "事件")
        case .qaIssued: (english, chinese) = ("issued", "签发于")
        case .qaNone:
            (english, chinese) = ("no sync session yet: sign in (with --server)", "尚无同步会话：请登录（需用 --server 启动）")
        case .qaHints: (english, chinese) = ("F2 or ctrl-d closes · Esc closes", "F2 或 ctrl-d 关闭 · Esc 关闭")
        case .settings: (english, chinese) = ("Settings", "设置")
        case .settingsLanguage: (english, chinese) = ("Language: English (Enter: 中文)", "语言：中文（回车：English）")
        case .settingsPermissions: (english, chinese) = ("Permissions", "权限")
        case .settingsNoPermissions: (english, chinese) = ("No service has asked for a permission yet", "还没有服务申请权限")
        case .settingsStorage: (english, chinese) = ("Storage", "存储")
        case .settingsNoStorage: (english, chinese) = ("No service keeps data for you", "没有服务为你保存数据")
        case .settingsClearCache: (english, chinese) = ("Clear the download cache", "清除下载缓存")
        case .settingsSwitchUser: (english, chinese) = ("Switch user", "切换用户")
        case .hintsSettings:
            (english, chinese) = (
                "↑↓ move · Enter choose · Esc back · ? keys · q quit", "↑↓ 移动 · 回车 选择 · Esc 返回 · ? 按键 · q 退出"
            )
        case .granted: (english, chinese) = ("allowed", "已允许")
        case .denied: (english, chinese) = ("denied", "已拒绝")
        case .notAsked: (english, chinese) = ("not asked yet", "尚未询问")
        case .enterDenies: (english, chinese) = ("Enter denies", "回车 拒绝")
        case .enterAllows: (english, chinese) = ("Enter allows", "回车 允许")
        case .hintsContainer:
            (english, chinese) = (
                "Tab move · Enter choose · Esc back · F3 ··· more · ctrl-w ✕ close · F2 QA",
                "Tab 移动 · 回车 选择 · Esc 返回 · F3 ··· 更多 · ctrl-w ✕ 关闭 · F2 测试"
            )
        case .menuAbout: (english, chinese) = ("About this service", "关于此服务")
        case .menuPermissions: (english, chinese) = ("Permissions", "权限")
        case .menuReload: (english, chinese) = ("Reload", "重新加载")
        case .menuClose: (english, chinese) = ("Close", "关闭")
        case .menuFavourite: (english, chinese) = ("Add to favourites", "添加到收藏")
        case .menuUnfavourite: (english, chinese) = ("Remove from favourites", "取消收藏")
        case .menuComplaint: (english, chinese) = ("Feedback and complaint", "反馈与投诉")
        case .favourited: (english, chinese) = ("Added to your favourites on home.", "已添加到首页收藏。")
        case .unfavourited: (english, chinese) = ("Removed from your favourites.", "已取消收藏。")
        case .aboutTitle: (english, chinese) = ("About this service", "关于此服务")
        case .aboutPartner: (english, chinese) = ("Provided by", "服务提供方")
        case .aboutCategory: (english, chinese) = ("Category", "类别")
        case .aboutVersion: (english, chinese) = ("Version", "版本")
        case .aboutMay: (english, chinese) = ("It may use", "可使用")
        case .aboutDomains: (english, chinese) = ("It connects to", "可连接")
        case .aboutNothing: (english, chinese) = ("nothing beyond its own pages", "仅限自身页面")
        case .aboutHints: (english, chinese) = ("any key to go back", "按任意键返回")
        case .complaintTitle: (english, chinese) = ("Feedback and complaint", "反馈与投诉")
        case .complaintReason: (english, chinese) = ("What is wrong?", "遇到了什么问题？")
        case .complaintDetails: (english, chinese) = ("Details (optional): ", "补充说明（可选）：")
        case .complaintHints:
            (english, chinese) = (
                "↑↓ reason · type details · Enter send · Esc cancel", "↑↓ 选择原因 · 输入说明 · 回车 提交 · Esc 取消"
            )
        case .complaintSent: (english, chinese) = ("Thank you: the bank has your complaint.", "感谢反馈：银行已收到您的投诉。")
        case .complaintQueued:
            (english, chinese) = (
                "Thank you: your complaint will be sent to the bank when you are online.", "感谢反馈：联网后将把您的投诉发送给银行。"
            )
        case .complaintFull:
            (english, chinese) = (
                "Too many complaints are waiting to be sent; try again when you are online.", "待发送的投诉过多，请联网后再试。"
            )
        case .shortcutsTitle: (english, chinese) = ("Favourites and recently used", "收藏与最近使用")
        case .consentTitle: (english, chinese) = ("Permission", "权限申请")
        case .allow: (english, chinese) = ("Allow", "允许")
        case .deny: (english, chinese) = ("Deny", "拒绝")
        case .consentHints: (english, chinese) = ("←→ choose · Enter answer · Esc deny", "←→ 选择 · 回车 确定 · Esc 拒绝")
        case .consentShares: (english, chinese) = ("Shares: ", "将提供：")
        case .paymentTitle: (english, chinese) = ("Confirm payment", "确认付款")
        case .pinPrompt: (english, chinese) = ("PIN: ", "支付密码：")
        case .payHints:
            (english, chinese) = ("↑↓ account · 6 digits · Enter pay · Esc cancel", "↑↓ 选账户 · 6 位数字 · 回车 付款 · Esc 取消")
        case .payFrom: (english, chinese) = ("Pay from", "付款账户")
        case .pinIncomplete: (english, chinese) = ("Enter all 6 digits of your PIN", "请输入完整的 6 位支付密码")
        case .notEnough:
            (english, chinese) = ("This account does not hold enough: choose another", "该账户余额不足，请选择其他账户")
        case .paymentsLocked:
            (english, chinese) = (
                "Wrong PIN three times: payments are locked until you sign in again.", "支付密码错误三次：付款已锁定，请重新登录后再试。"
            )
        case .paymentsLockedNote:
            (english, chinese) = ("locked after 3 wrong PINs · sign in again to unlock", "密码错误 3 次已锁定 · 重新登录后解锁")
        case .noAccountToPay: (english, chinese) = ("You have no account to pay from.", "您没有可用于付款的账户。")
        case .settingsPayments: (english, chinese) = ("Payments", "付款")
        case .paymentsActive: (english, chinese) = ("PIN required for every payment", "每笔付款均需支付密码")
        case .ok: (english, chinese) = ("Enter", "回车")
        case .cancel: (english, chinese) = ("Esc", "Esc")
        case .noAccounts:
            (english, chinese) = ("No accounts for this user id (it is not a demo customer)", "此用户编号没有账户（不是演示客户）")
        }
        return language == .english ? english : chinese
    }
}
