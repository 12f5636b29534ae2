/// The shell's own words, in English and Chinese.
public enum Strings {
    public enum Key: Sendable {
        case appName, signIn, chooseUser, typeUser, typeUserPrompt, home, accounts, recent, signOut, quit
        case hintsLogin, hintsTyping, hintsHome, help, helpTitle, tooSmall, noTransactions, noAccounts
        case helpLines, services, servicesShort, searchPrompt, badgeGray, downloading, hintsServices, hintsSearch
        case offline, syncing, noServices, noMatches, current, disconnected, expired, dismiss
        case qaTitle, qaServer, qaCatalog, qaLaunchable, qaInstalled, qaLog, qaNone, qaHints
        case settings, settingsLanguage, settingsPermissions, settingsNoPermissions, settingsStorage
        case settingsNoStorage, settingsClearCache, settingsSwitchUser, hintsSettings, granted, denied, revoke
        case hintsContainer, consentTitle, allow, deny, paymentTitle, pinPrompt, payHints, ok, cancel
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
            ("\(service)已下架", "\(service)已停止服务：\(reason)。它在本机上的数据已删除。")
        }
    }

    public static func text(_ key: Key, _ language: UILanguage) -> String {
        switch (key, language) {
        case (.appName, .english): "MiniBank"
        case (.appName, .chinese): "迷你银行"
        case (.signIn, .english): "Sign in"
        case (.signIn, .chinese): "登录"
        case (.chooseUser, .english): "Choose a demo customer, or type a user id"
        case (.chooseUser, .chinese): "选择一位演示客户，或输入用户编号"
        case (.typeUser, .english): "Another user id…"
        case (.typeUser, .chinese): "其他用户编号…"
        case (.typeUserPrompt, .english): "User id: "
        case (.typeUserPrompt, .chinese): "用户编号："
        case (.home, .english): "Home"
        case (.home, .chinese): "首页"
        case (.accounts, .english): "Accounts"
        case (.accounts, .chinese): "账户"
        case (.recent, .english): "Recent transactions"
        case (.recent, .chinese): "最近交易"
        case (.signOut, .english): "Sign out"
        case (.signOut, .chinese): "退出登录"
        case (.quit, .english): "Quit"
        case (.quit, .chinese): "退出"
        case (.hintsLogin, .english): "↑↓ choose · Enter sign in · ? keys · q quit"
        case (.hintsLogin, .chinese): "↑↓ 选择 · 回车 登录 · ? 按键 · q 退出"
        case (.hintsTyping, .english): "type the id · Enter sign in · Esc cancel"
        case (.hintsTyping, .chinese): "输入编号 · 回车 登录 · Esc 取消"
        case (.hintsHome, .english): "←→ move · Enter choose · ? keys · q quit"
        case (.hintsHome, .chinese): "←→ 移动 · 回车 选择 · ? 按键 · q 退出"
        case (.help, .english): "?"
        case (.help, .chinese): "?"
        case (.helpTitle, .english): "Keys"
        case (.helpTitle, .chinese): "按键"
        case (.helpLines, .english):
            "↑ ↓ ← → Tab   move\nEnter         choose\nEsc           back, cancel\n?             these keys\nq             quit"
        case (.helpLines, .chinese):
            "↑ ↓ ← → Tab   移动\n回车          选择\nEsc           返回、取消\n?             按键说明\nq             退出"
        case (.tooSmall, .english): "The terminal is too small"
        case (.tooSmall, .chinese): "终端窗口太小"
        case (.noTransactions, .english): "No transactions yet"
        case (.noTransactions, .chinese): "暂无交易"
        case (.services, .english): "Service centre"
        case (.services, .chinese): "服务中心"
        case (.servicesShort, .english): "Services"
        case (.servicesShort, .chinese): "服务"
        case (.searchPrompt, .english): "Search: "
        case (.searchPrompt, .chinese): "搜索："
        case (.badgeGray, .english): "beta"
        case (.badgeGray, .chinese): "灰度"
        case (.downloading, .english): "downloading…"
        case (.downloading, .chinese): "下载中…"
        case (.hintsServices, .english): "↑↓ move · / search · Esc back · ? keys · q quit"
        case (.hintsServices, .chinese): "↑↓ 移动 · / 搜索 · Esc 返回 · ? 按键 · q 退出"
        case (.hintsSearch, .english): "type to filter · Enter done · Esc clear"
        case (.hintsSearch, .chinese): "输入以筛选 · 回车 完成 · Esc 清除"
        case (.offline, .english): "offline demo: start termshell with --server to get services"
        case (.offline, .chinese): "离线演示：用 --server 启动 termshell 以获取服务"
        case (.syncing, .english): "checking the service list…"
        case (.syncing, .chinese): "正在检查服务列表…"
        case (.noServices, .english): "No services for you yet"
        case (.noServices, .chinese): "暂时没有可用的服务"
        case (.noMatches, .english): "Nothing matches the search"
        case (.noMatches, .chinese): "没有匹配的服务"
        case (.current, .english): "service list"
        case (.current, .chinese): "服务列表"
        case (.disconnected, .english): "not connected"
        case (.disconnected, .chinese): "未连接"
        case (.expired, .english): "the service list expired: connect to continue"
        case (.expired, .chinese): "服务列表已过期：请连接网络后继续"
        case (.dismiss, .english): "any key to continue"
        case (.dismiss, .chinese): "按任意键继续"
        case (.qaTitle, .english): "QA panel"
        case (.qaTitle, .chinese): "测试面板"
        case (.qaServer, .english): "server"
        case (.qaServer, .chinese): "服务器"
        case (.qaCatalog, .english): "catalog"
        case (.qaCatalog, .chinese): "服务列表"
        case (.qaLaunchable, .english): "launchable until"
        case (.qaLaunchable, .chinese): "可启动至"
        case (.qaInstalled, .english): "Installed packages"
        case (.qaInstalled, .chinese): "已安装的包"
        case (.qaLog, .english): "Sync log"
        case (.qaLog, .chinese): "同步日志"
        case (.qaNone, .english): "no sync session (start with --server and sign in)"
        case (.qaNone, .chinese): "没有同步会话（用 --server 启动并登录）"
        case (.qaHints, .english): "F2 or ctrl-d closes · Esc closes"
        case (.qaHints, .chinese): "F2 或 ctrl-d 关闭 · Esc 关闭"
        case (.settings, .english): "Settings"
        case (.settings, .chinese): "设置"
        case (.settingsLanguage, .english): "Language: English (Enter: 中文)"
        case (.settingsLanguage, .chinese): "语言：中文（回车：English）"
        case (.settingsPermissions, .english): "Permissions"
        case (.settingsPermissions, .chinese): "权限"
        case (.settingsNoPermissions, .english): "No service has asked for a permission yet"
        case (.settingsNoPermissions, .chinese): "还没有服务申请权限"
        case (.settingsStorage, .english): "Storage"
        case (.settingsStorage, .chinese): "存储"
        case (.settingsNoStorage, .english): "No service keeps data for you"
        case (.settingsNoStorage, .chinese): "没有服务为你保存数据"
        case (.settingsClearCache, .english): "Clear the download cache"
        case (.settingsClearCache, .chinese): "清除下载缓存"
        case (.settingsSwitchUser, .english): "Switch user"
        case (.settingsSwitchUser, .chinese): "切换用户"
        case (.hintsSettings, .english): "↑↓ move · Enter choose · Esc back · ? keys · q quit"
        case (.hintsSettings, .chinese): "↑↓ 移动 · 回车 选择 · Esc 返回 · ? 按键 · q 退出"
        case (.granted, .english): "granted"
        case (.granted, .chinese): "已允许"
        case (.denied, .english): "denied"
        case (.denied, .chinese): "已拒绝"
        case (.revoke, .english): "Enter revokes"
        case (.revoke, .chinese): "回车 撤销"
        case (.hintsContainer, .english): "Tab move · Enter choose · Esc back · ctrl-w close · F2 QA"
        case (.hintsContainer, .chinese): "Tab 移动 · 回车 选择 · Esc 返回 · ctrl-w 关闭 · F2 测试"
        case (.consentTitle, .english): "Permission"
        case (.consentTitle, .chinese): "权限申请"
        case (.allow, .english): "Enter allow"
        case (.allow, .chinese): "回车 允许"
        case (.deny, .english): "Esc deny"
        case (.deny, .chinese): "Esc 拒绝"
        case (.paymentTitle, .english): "Confirm payment"
        case (.paymentTitle, .chinese): "确认付款"
        case (.pinPrompt, .english): "PIN: "
        case (.pinPrompt, .chinese): "密码："
        case (.payHints, .english): "6 digits · Enter pay · Esc cancel"
        case (.payHints, .chinese): "6 位数字 · 回车 付款 · Esc 取消"
        case (.ok, .english): "Enter"
        case (.ok, .chinese): "回车"
        case (.cancel, .english): "Esc"
        case (.cancel, .chinese): "Esc"
        case (.noAccounts, .english): "No accounts for this user id (it is not a demo customer)"
        case (.noAccounts, .chinese): "此用户编号没有账户（不是演示客户）"
        }
    }
}
