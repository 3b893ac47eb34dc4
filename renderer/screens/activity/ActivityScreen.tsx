/** Activity: what changed in the profile and the catalogs, when and from which device, newest first. */
import { useLoad } from '../../app/mesh-context';
import { displayText } from '../../../shared/encoding/display-text';
import { ScreenFrame, When } from '../../components/ScreenFrame';
import { LoadableView } from '../../components/StateViews';

const kinds = {
  password: 'Password',
  mail: 'Mail account',
  network: 'Network',
  profile: 'Profile',
};

export function ActivityScreen() {
  const [items, reload] = useLoad((api) => api.activity.list({ limit: 200 }), []);
  return (
    <ScreenFrame title="Activity" lead="What changed in your Mesh, newest first.">
      <LoadableView
        value={items}
        loading="Reading the activity…"
        onRetry={reload}
        isEmpty={(list) => list.length === 0}
        empty={<p>Nothing has changed yet.</p>}
      >
        {(list) => (
          <table className="table">
            <caption className="visually-hidden">Changes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Change</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {list.map((item, index) => (
                <tr key={`${item.time}-${index}`}>
                  <td>
                    <When time={item.time} />
                  </td>
                  <td>
                    {kinds[item.kind]}: {displayText(item.subject)}
                  </td>
                  <td>{item.action}</td>
                  <td>{item.deviceName ? displayText(item.deviceName) : 'unknown device'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadableView>
    </ScreenFrame>
  );
}
