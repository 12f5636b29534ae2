/// The shell's own words, in English and Chinese.
public enum Strings {
    public enum Key: Sendable {
        case appName, signIn, chooseUser, typeUser, typeUserPrompt, home, accounts, recent, signOut, quit
        case hintsLogin, hintsTyping, hintsHome, help, helpTitle, tooSmall, noTransactions, noAccounts
        case helpLines
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
        case (.noAccounts, .english): "No accounts for this user id (it is not a demo customer)"
        case (.noAccounts, .chinese): "此用户编号没有账户（不是演示客户）"
        }
    }
}
